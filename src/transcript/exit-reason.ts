import { constants } from 'node:os'
import type { ExitReason, TranscriptMetrics } from '../core/usage.ts'
import type { ResultEvent } from './events.ts'

/** What is known about how an agent process ended. */
export interface ExitFacts {
  /** The transcript's `result` event, if it got that far. */
  readonly resultEvent?: ResultEvent
  /** The process exit code; null when a signal ended it. */
  readonly exitCode?: number | null
  /** The signal that ended the process, when `exitCode` is null. */
  readonly signal?: string | null
  readonly timedOut?: boolean
  readonly oomKilled?: boolean
  readonly canceled?: boolean
}

/**
 * Why an agent stopped, by precedence: timeout > oom > canceled > the result event's
 * `error_max_turns` (and `error_max_budget_usd`) > a non-zero exit code (`exit_code_N`; a
 * process ended by a signal reads as `exit_code_<128+signo>`, the shell's convention) >
 * `success`. A result of `error_during_execution` with exit code 0 counts as success: the
 * exit code is trusted, and graders judge the work itself.
 */
export function exitReasonFromTranscript(facts: ExitFacts): ExitReason {
  if (facts.timedOut) return 'timeout'
  if (facts.oomKilled) return 'oom'
  if (facts.canceled) return 'canceled'
  const subtype = facts.resultEvent?.subtype
  if (subtype === 'error_max_turns') return 'error_max_turns'
  if (subtype === 'error_max_budget_usd' || subtype === 'error_max_budget') return 'error_max_budget'
  if (typeof facts.exitCode === 'number' && facts.exitCode !== 0) return `exit_code_${facts.exitCode}`
  if (facts.exitCode === null && facts.signal) {
    const signo = (constants.signals as Record<string, number | undefined>)[facts.signal]
    if (signo !== undefined) return `exit_code_${128 + signo}`
  }
  return 'success'
}

/**
 * The turn that was active when a timeout killed the run: the turns begun so far, and at
 * least 1 (a run killed before its first response was still in its first turn).
 */
export function timeoutAtTurn(metrics: Pick<TranscriptMetrics, 'turns'>): number {
  return Math.max(1, metrics.turns)
}
