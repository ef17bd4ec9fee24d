import { fileURLToPath } from 'node:url'
import { harvestPatch, prepareWorkspaceBaseline } from '../../agents/harvest.ts'
import { createDockerSandbox } from '../../sandbox/docker/docker-sandbox.ts'
import { TEST_IMAGE } from '../../sandbox/docker/test-support.ts'
import { createLocalSandbox } from '../../sandbox/local/local-sandbox.ts'
import type { Sandbox } from '../../sandbox/types.ts'
import { graderContext } from '../test-support.ts'
import type { GraderContext } from '../types.ts'

/** Host folder of the fixture projects the live tests grade. */
export const PROJECTS = fileURLToPath(new URL('./__fixtures__/projects/', import.meta.url))

/** Where verifier sandboxes are made in a live test. */
export type VerifierProvider = 'local' | 'docker'

/** What an agent does to the workspace: path → new content, or null to delete the file. */
export type Edits = Record<string, string | Uint8Array | null>

/**
 * The patch an agent that made `edits` in a copy of `fixture` leaves behind, made by the
 * real harvest (`git diff --binary` against a baseline commit in a local sandbox).
 */
export async function agentPatch(fixture: string, edits: Edits): Promise<{ diff: string; files: string[] }> {
  await using sandbox = await createLocalSandbox({ workspace: fixture, label: 'agent' })
  await prepareWorkspaceBaseline(sandbox)
  for (const [path, content] of Object.entries(edits)) {
    if (content === null) await sandbox.exec(['rm', '-f', '--', path])
    else await sandbox.writeFile(path, content)
  }
  const { patch, files } = await harvestPatch(sandbox)
  return { diff: patch, files }
}

/** A grader context whose `openSandbox` makes real verifiers, and whose `keep` records files. */
export interface LiveContext extends GraderContext {
  /** Files kept by name, as text. */
  readonly kept: Map<string, string>
  /** Every verifier opened (dispose them after the test; disposing twice is fine). */
  readonly opened: Sandbox[]
}

/** A context like the case runner's for grading `patch` against `fixture` (docker verifiers run `image`). */
export function verifierContext(
  provider: VerifierProvider,
  fixture: string,
  patch: { diff: string; files: string[] } | undefined,
  image = TEST_IMAGE,
): LiveContext {
  const kept = new Map<string, string>()
  const opened: Sandbox[] = []
  const decoder = new TextDecoder()
  const ctx = graderContext('', {
    workspace: fixture,
    patch,
    keep: async (name, data) => {
      kept.set(name, typeof data === 'string' ? data : decoder.decode(data))
      return `runs/test/${name}`
    },
    openSandbox: async () => {
      const sandbox =
        provider === 'local'
          ? await createLocalSandbox({ workspace: fixture, label: 'verifier' })
          : await createDockerSandbox({ image, workspace: fixture })
      opened.push(sandbox)
      return sandbox
    },
  })
  // Object.assign keeps graderContext's throwing `sandbox` getter (a spread would call it).
  return Object.assign(ctx, { kept, opened })
}
