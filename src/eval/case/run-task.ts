import { EvalboxError } from '../../core/errors.ts'
import type { ExitReason } from '../../core/usage.ts'
import type { EvalContext } from '../context.ts'
import type { EvalOptions } from '../options.ts'

/** How a task ended: its value, or the error it ended with and why. */
export type TaskOutcome =
  | { readonly exitReason: 'success'; readonly value: unknown }
  | { readonly exitReason: Exclude<ExitReason, 'success'>; readonly error: unknown }

/**
 * Step 2 for a task: calls it with the case's time budget. A task that runs past it ends as
 * `timeout`; one still running (or failing) when the test is canceled ends as `canceled`, as
 * an agent does; any other error is `agent_error`.
 */
export async function runTask(
  task: NonNullable<EvalOptions['task']>,
  input: unknown,
  ctx: EvalContext,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<TaskOutcome> {
  try {
    return {
      exitReason: 'success',
      value: await withTimeout(Promise.resolve(task(input, ctx)), timeoutMs, signal),
    }
  } catch (error) {
    const exitReason =
      error instanceof TaskTimeoutError ? 'timeout' : signal.aborted ? 'canceled' : 'agent_error'
    return { exitReason, error }
  }
}

/** The task's value as output text. */
export function taskOutputText(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value)
}

/** Resolves like `promise`, or rejects when the time is up or the test is canceled. */
async function withTimeout<T>(promise: Promise<T>, ms: number, signal: AbortSignal): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TaskTimeoutError(ms)), ms)
    onAbort = () => reject(new TaskCanceledError())
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([promise, stop])
  } finally {
    clearTimeout(timer)
    if (onAbort) signal.removeEventListener('abort', onAbort)
  }
}

/** A task function ran past the eval's `timeout`. */
export class TaskTimeoutError extends EvalboxError {
  constructor(ms: number) {
    super('AGENT_FAILED', `the task did not finish within ${ms} ms (the eval's \`timeout\`)`)
    this.name = 'TaskTimeoutError'
  }
}

/** The test was canceled while its task ran. */
export class TaskCanceledError extends EvalboxError {
  constructor() {
    super('AGENT_FAILED', 'the test was canceled')
    this.name = 'TaskCanceledError'
  }
}
