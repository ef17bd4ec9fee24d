import type { ExitReason } from './types.ts'

/** Why an agent stopped itself: a budget it watches ran out. */
export type BudgetStop = Extract<ExitReason, 'error_max_turns' | 'error_max_budget'>

/** One signal for a run: the case's signal, a budget stop, and optionally a time limit. */
export interface RunControl {
  /** Aborts when the case's signal aborts, a budget stops the run, or the time is up. */
  readonly signal: AbortSignal
  /** Stops the run because a budget ran out; the first reason wins. */
  stop(reason: BudgetStop, detail: string): void
  /** The budget that stopped the run, if one did. */
  readonly budgetStop: { reason: BudgetStop; detail: string } | undefined
  /** The run was stopped by a time limit (the case's timeout or `timeoutMs`). */
  timedOut(): boolean
  /** Releases the timer. */
  dispose(): void
}

/**
 * True for abort reasons that mean "time is up": evalbox's case runner aborts with
 * `Error('timeout')`, `AbortSignal.timeout()` with a `TimeoutError`.
 */
export function isTimeoutReason(reason: unknown): boolean {
  if (reason instanceof Error || (typeof reason === 'object' && reason !== null && 'name' in reason)) {
    const { name, message } = reason as { name?: unknown; message?: unknown }
    return name === 'TimeoutError' || message === 'timeout'
  }
  return reason === 'timeout'
}

/**
 * Makes the control of one run. With `timeoutMs`, the run also stops by itself at that
 * time, so an agent meets its budget even when called without evalbox's case runner.
 */
export function createRunControl(caseSignal: AbortSignal, timeoutMs?: number): RunControl {
  const own = new AbortController()
  let budgetStop: RunControl['budgetStop']
  let ownTimeout = false
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          ownTimeout = true
          own.abort(new Error('timeout'))
        }, timeoutMs)
  return {
    signal: AbortSignal.any([caseSignal, own.signal]),
    stop(reason, detail) {
      if (budgetStop || own.signal.aborted) return
      budgetStop = { reason, detail }
      own.abort(new Error(reason))
    },
    get budgetStop() {
      return budgetStop
    },
    timedOut: () => ownTimeout || (caseSignal.aborted && isTimeoutReason(caseSignal.reason)),
    dispose: () => clearTimeout(timer),
  }
}
