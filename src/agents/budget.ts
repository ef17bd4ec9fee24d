import type { PricingTable } from '../models/pricing.ts'
import { type StreamJsonEvent, type TranscriptEvent, transcriptCost, turnsUsed } from '../transcript/index.ts'
import type { BudgetStop } from './run-control.ts'

/** Turn and cost limits watched on a live transcript. */
export interface BudgetLimits {
  readonly maxTurns?: number
  readonly maxCostUsd?: number
  readonly pricing?: PricingTable
}

/** A budget that ran out, with a sentence for the result's `error`. */
export interface BudgetExceeded {
  readonly reason: BudgetStop
  readonly detail: string
}

/**
 * Checks the budgets against the transcript so far. Only assistant events are checked: they
 * mark the agent starting (or continuing) a turn, which is what a budget must stop; the
 * final `result` event means the agent is finishing anyway. Pure.
 */
export function exceededBudget(
  events: readonly TranscriptEvent[],
  limits: BudgetLimits,
): BudgetExceeded | undefined {
  const last = events[events.length - 1]
  if (last?.type !== 'assistant') return undefined
  if (limits.maxTurns !== undefined) {
    const turns = turnsUsed(events)
    if (turns > limits.maxTurns) {
      return {
        reason: 'error_max_turns',
        detail: `stopped at turn ${turns}: the agent went past maxTurns (${limits.maxTurns})`,
      }
    }
  }
  if (limits.maxCostUsd !== undefined) {
    const cost = transcriptCost(events, limits.pricing)
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

/** A stateful check for one run; call it with the events so far after each new event. */
export function createBudgetWatch(
  limits: BudgetLimits,
  enforcement: BudgetEnforcement,
): (events: readonly TranscriptEvent[]) => BudgetExceeded | undefined {
  let exceededAt: unknown
  let exceededSeen = false
  return (events) => {
    const exceeded = exceededBudget(events, limits)
    if (!exceeded || enforcement === 'strict') return exceeded
    const message = (events[events.length - 1] as StreamJsonEvent).message
    const id = typeof message === 'object' && message !== null ? (message as { id?: unknown }).id : undefined
    if (!exceededSeen) {
      exceededSeen = true
      exceededAt = id ?? Symbol('anonymous message')
      return undefined
    }
    return id !== undefined && id === exceededAt ? undefined : exceeded
  }
}
