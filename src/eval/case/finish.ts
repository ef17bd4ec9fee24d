import { MAX_INLINE_OUTPUT } from '../../core/defaults.ts'
import { errorMessage } from '../../core/errors.ts'
import type { SandboxSpec } from '../../sandbox/spec.ts'
import type { Sandbox } from '../../sandbox/types.ts'
import type { CaseFiles } from './files.ts'
import { keepOutputs } from './harvest.ts'

/** What the finish step needs. */
export interface FinishStepInput {
  readonly sandbox: Sandbox | undefined
  readonly sandboxSpec: SandboxSpec | undefined
  readonly files: CaseFiles
  /** The run's output text, kept whole in `output.txt` when the entry cuts it. */
  readonly output: string | undefined
  /** The sandbox's output folder is known to be empty: no copy needed. */
  readonly outputsEmpty: boolean
}

/** What finishing left to record. */
export interface Finished {
  /** What the copy of the sandbox outputs left out (links pointing outside, past the caps). */
  readonly outputsNote?: string
  /** Why the outputs could not be kept or the sandbox not removed. */
  readonly infraError?: string
}

/** Step 4: keeps the long output and the sandbox's outputs, removes the sandbox, closes logs. Never throws. */
export async function finishCase(input: FinishStepInput): Promise<Finished> {
  const { sandbox, files, output } = input
  if (output && output.length > MAX_INLINE_OUTPUT) await files.keep('output.txt', output).catch(() => {})
  let outputsNote: string | undefined
  let infraError: string | undefined
  if (sandbox) {
    const dir = files.enabled && !input.outputsEmpty ? files.directory() : undefined
    try {
      // Staged outside the results dir, so a full results disk is a run-dir note, not the case's.
      if (dir)
        outputsNote = await files.keepFolder('output', (target) =>
          keepOutputs(sandbox, target, input.sandboxSpec),
        )
    } catch (error) {
      infraError = `could not copy the sandbox outputs: ${errorMessage(error)}`
    }
    await sandbox.dispose().catch((error: unknown) => {
      infraError ??= `could not remove the sandbox: ${errorMessage(error)}`
    })
  }
  await files.close()
  return {
    ...(outputsNote !== undefined && { outputsNote }),
    ...(infraError !== undefined && { infraError }),
  }
}
