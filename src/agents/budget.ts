import type { MetricsTally, StreamJsonEvent, TranscriptEvent } from '../transcript/index.ts'
import type { BudgetStop } from './run-control.ts'

/** Turn and cost limits watched on a live transcript (cost as the tally prices it). */
export interface BudgetLimits {
  readonly maxTurns?: number
  readonly maxCostUsd?: number
}

/** A budget that ran out, with a sentence for the result's `error`. */
export interface BudgetExceeded {
  readonly reason: BudgetStop
  readonly detail: string
}

/**
 * Checks the budgets against the transcript so far (`last` is its newest event). Only
 * assistant events are checked: they mark the agent starting (or continuing) a turn, which
 * is what a budget must stop; the final `result` event means the agent is finishing anyway.
 */
export function exceededBudget(
  last: TranscriptEvent,
  tally: Pick<MetricsTally, 'turns' | 'costUsd'>,
  limits: BudgetLimits,
): BudgetExceeded | undefined {
  if (last.type !== 'assistant') return undefined
  if (limits.maxTurns !== undefined) {
    const turns = tally.turns
    if (turns > limits.maxTurns) {
      return {
        reason: 'error_max_turns',
        detail: `stopped at turn ${turns}: the agent went past maxTurns (${limits.maxTurns})`,
      }
    }
  }
  if (limits.maxCostUsd !== undefined) {
    const cost = tally.costUsd()
    if (cost !== undefined && cost > limits.maxCostUsd) {
      return {
        reason: 'error_max_budget',
        detail: `stopped at $${cost.toFixed(4)}: the agent went past maxCostUsd ($${limits.maxCostUsd})`,
      }
    }
  }
  return undefined
}

/**
 * How budgets are enforced. `'strict'`: the agent is stopped as soon as a budget is
 * exceeded. `'backstop'`: for agents that enforce the budgets themselves (they are passed
 * to them) and then report it properly; evalbox stops the agent only when it starts
 * another model response after a budget was exceeded.
 */
export type BudgetEnforcement = 'strict' | 'backstop'

/** A stateful check for one run; call it after each new event with the tally that counted it. */
export function createBudgetWatch(
  limits: BudgetLimits,
  enforcement: BudgetEnforcement,
): (last: TranscriptEvent, tally: Pick<MetricsTally, 'turns' | 'costUsd'>) => BudgetExceeded | undefined {
  let exceededAt: unknown
  let exceededSeen = false
  return (last, tally) => {
    const exceeded = exceededBudget(last, tally, limits)
    if (!exceeded || enforcement === 'strict') return exceeded
    const message = (last as StreamJsonEvent).message
    const id = typeof message === 'object' && message !== null ? (message as { id?: unknown }).id : undefined
    if (!exceededSeen) {
      exceededSeen = true
      exceededAt = id ?? Symbol('anonymous message')
      return undefined
    }
    return id !== undefined && id === exceededAt ? undefined : exceeded
  }
}
