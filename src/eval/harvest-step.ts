import { join } from 'node:path'
import { harvestPatch, prepareWorkspaceBaseline, type WorkspaceBaseline } from '../agents/harvest.ts'
import { createPatchRegistry, type PatchRegistry } from '../agents/patch-registry.ts'
import { errorMessage } from '../errors.ts'
import type { Sandbox } from '../sandbox/types.ts'
import type { TestEntry } from '../store/schema.ts'
import type { CaseFiles } from './case-files.ts'

/** One registry per run directory; it shares patch hashes across workers through files. */
const registries = new Map<string, PatchRegistry>()

/**
 * Records the workspace before the agent, so its changes can be harvested after. A sandbox
 * without git simply has no harvest; the case itself is not affected.
 */
export async function baselineWorkspace(sandbox: Sandbox): Promise<WorkspaceBaseline | string> {
  try {
    return await prepareWorkspaceBaseline(sandbox)
  } catch (error) {
    return `no workspace baseline (${errorMessage(error)})`
  }
}

/**
 * The agent's patch: kept as `patch.diff`, its changed files listed, and checked against the
 * other cases of the run for duplicates.
 */
export async function harvestWorkspace(
  sandbox: Sandbox,
  baseline: WorkspaceBaseline,
  files: CaseFiles,
  runDir: string,
  caseKey: string,
): Promise<{ entry: NonNullable<TestEntry['harvest']>; diff: string; files: string[]; outputs: boolean }> {
  // The same exec says whether the sandbox's output folder has anything worth copying out.
  const {
    patch,
    files: changed,
    probeHasFiles,
  } = await harvestPatch(sandbox, baseline, { probe: sandbox.outputDir })
  const patchPath = (await files.keep('patch.diff', patch, 'patch')) ?? ''
  let registry = registries.get(runDir)
  if (!registry) {
    registry = createPatchRegistry(runDir ? { dir: join(runDir, 'patches') } : {})
    registries.set(runDir, registry)
  }
  const duplicateOf = registry.duplicateOf(caseKey, patch)
  const entry = {
    filesChanged: changed.length,
    patchPath,
    isDuplicate: duplicateOf !== undefined,
    files: changed,
    ...(duplicateOf !== undefined && { duplicateOf }),
  }
  return { entry, diff: patch, files: changed, outputs: probeHasFiles ?? true }
}
