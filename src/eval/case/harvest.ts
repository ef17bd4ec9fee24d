import { join } from 'node:path'
import {
  DEFAULT_HARVEST_LIMITS,
  type HarvestLimits,
  harvestPatch,
  prepareWorkspaceBaseline,
  type WorkspaceBaseline,
} from '../../agents/harvest.ts'
import { createPatchRegistry, type PatchRegistry } from '../../agents/patch-registry.ts'
import { EvalboxError, errorMessage } from '../../core/errors.ts'
import type { SandboxSpec } from '../../sandbox/spec.ts'
import type { CopyOutReport, Sandbox } from '../../sandbox/types.ts'
import type { TestEntry } from '../../store/schema.ts'
import type { CaseFiles } from './files.ts'

/** One registry per run directory; it shares patch hashes across workers through files. */
const registries = new Map<string, PatchRegistry>()

/** Default caps on a case's outputs copy. */
export const DEFAULT_OUTPUT_LIMITS = { maxBytes: 100 * 1024 * 1024, maxFiles: 10_000 }

/** The harvest caps of a sandbox spec (`copyLimits.workspaceBytes`/`workspaceFiles`). */
export function harvestLimits(spec: SandboxSpec | undefined): HarvestLimits {
  const caps = spec?.copyLimits
  return {
    maxBytes: caps?.workspaceBytes ?? DEFAULT_HARVEST_LIMITS.maxBytes,
    maxFiles: caps?.workspaceFiles ?? DEFAULT_HARVEST_LIMITS.maxFiles,
  }
}

/**
 * Records the workspace before the agent, so its changes can be harvested after. Throws an
 * error that says why when it cannot (the case is then an infrastructure failure).
 */
export async function baselineWorkspace(
  sandbox: Sandbox,
  spec: SandboxSpec | undefined,
): Promise<WorkspaceBaseline> {
  try {
    return await prepareWorkspaceBaseline(sandbox, harvestLimits(spec))
  } catch (error) {
    throw new EvalboxError(
      'AGENT_FAILED',
      `could not record the workspace baseline: ${errorMessage(error)}`,
      {
        cause: error,
      },
    )
  }
}

/** What harvesting the agent's work found, or why it could not (an infrastructure failure). */
export type Harvested =
  | {
      /** The entry's `harvest`. */
      readonly harvest: NonNullable<TestEntry['harvest']>
      /** The patch for the graders (`ctx.patch`). */
      readonly patch: { diff: string; files: string[]; path?: string }
      /** The workspace is proven untouched. */
      readonly untouched: boolean
    }
  | { readonly error: string }

/**
 * Step 2b, after the agent: its patch, kept as `patch.diff`, its changed files listed, and
 * checked against the other cases of the run for duplicates.
 */
export async function harvestWorkspace(
  sandbox: Sandbox,
  baseline: WorkspaceBaseline,
  files: CaseFiles,
  runDir: string,
  caseKey: string,
  spec?: SandboxSpec,
): Promise<Harvested> {
  try {
    const { patch, files: changed, untouched } = await harvestPatch(sandbox, baseline, harvestLimits(spec))
    const patchPath = (await files.keep('patch.diff', patch, 'patch')) ?? ''
    let registry = registries.get(runDir)
    if (!registry) {
      registry = createPatchRegistry(runDir ? { dir: join(runDir, 'patches') } : {})
      registries.set(runDir, registry)
    }
    const duplicateOf = registry.duplicateOf(caseKey, patch)
    const harvest = {
      filesChanged: changed.length,
      patchPath,
      isDuplicate: duplicateOf !== undefined,
      files: changed,
      ...(duplicateOf !== undefined && { duplicateOf }),
    }
    const kept = { diff: patch, files: changed, path: patchPath || undefined }
    return { harvest, patch: kept, untouched: untouched === true }
  } catch (error) {
    // Never graded as "the agent changed nothing": what it changed is unknown.
    return { error: `could not harvest the agent's changes: ${errorMessage(error)}` }
  }
}

/**
 * Copies the sandbox's output folder into the case directory, within the spec's caps
 * (`copyLimits.outputBytes`/`outputFiles`). Links that point outside the folder, and what
 * is past the caps, are left out; the returned note says what (undefined when nothing was).
 * An empty or missing folder leaves nothing.
 */
export async function keepOutputs(
  sandbox: Sandbox,
  target: string,
  spec: SandboxSpec | undefined,
): Promise<string | undefined> {
  let report: CopyOutReport
  try {
    report = await sandbox.copyOut(sandbox.outputDir, target, {
      onEscape: 'skip',
      maxBytes: spec?.copyLimits?.outputBytes ?? DEFAULT_OUTPUT_LIMITS.maxBytes,
      maxFiles: spec?.copyLimits?.outputFiles ?? DEFAULT_OUTPUT_LIMITS.maxFiles,
    })
  } catch (error) {
    // A command may have removed the folder; that is no output, not a failure.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  return outputsNote(report)
}

/** What a copy of the outputs left out, in one line (undefined when nothing). Pure. */
export function outputsNote(report: CopyOutReport): string | undefined {
  if (report.skippedCount === 0) return undefined
  const named = report.skipped.map(({ path, reason }) => `${path || '.'} (${reason})`)
  const more = report.skippedCount - report.skipped.length
  return (
    `left out ${report.skippedCount} of the sandbox outputs (kept ${report.files} files, ${report.bytes} bytes): ` +
    `${named.join('; ')}${more > 0 ? `; and ${more} more` : ''}`
  )
}
