import type { CaseSide } from './types.ts'

/** Longest error line in a reason made without a headline; test names are never cut. */
const ERROR_MAX = 160

/**
 * Why a test failed, in a line: its headline (root cause first, then the failing test
 * names and the first error line, composed when the case ran), else — for entries written
 * before headlines — its exit reason and the first line of its error. Only the error line is
 * ever shortened, never the failing test names: the headline lists five of them and
 * "and N more", and an error line that carries a `(failing: …)` list keeps it whole.
 */
export function failureReason(
  test: Pick<CaseSide, 'exit_reason' | 'timeout_at_turn' | 'error' | 'headline'>,
): string | undefined {
  if (test.headline?.trim()) return test.headline.trim()
  const parts: string[] = []
  if (test.exit_reason && test.exit_reason !== 'success') {
    parts.push(
      test.timeout_at_turn === undefined
        ? test.exit_reason
        : `${test.exit_reason} at turn ${test.timeout_at_turn}`,
    )
  }
  const error = test.error?.trim().split('\n')[0]?.trim()
  if (error) parts.push(shortened(error))
  return parts.length > 0 ? parts.join(': ') : undefined
}

/** An error line cut to {@link ERROR_MAX}, except for a `(failing: …)` list of test names in it. */
function shortened(error: string): string {
  if (error.length <= ERROR_MAX) return error
  const list = /\(failing: [^)]*\)/.exec(error)
  if (!list) return `${error.slice(0, ERROR_MAX - 1)}…`
  const head = error.slice(0, list.index + list[0].length)
  return head.length < error.length ? `${head}…` : head
}

/**
 * The tag of a case whose agent was stopped by its budget: `budget stop: maxTurns`,
 * `budget stop: maxCostUsd` (or the gateway's `maxTokens`, `maxModelCalls`, `run budget`),
 * from its exit reason; undefined for any other case. Every
 * output shows it, passed or failed (a case graded with `budgetStop: 'grade'` may pass).
 */
export function budgetTag(test: {
  exit_reason?: string
  model_calls?: { budget_exceeded?: string }
}): string | undefined {
  if (test.exit_reason === 'error_max_turns') return 'budget stop: maxTurns'
  if (test.exit_reason !== 'error_max_budget') return undefined
  // The gateway says which of its limits it was; the transcript's watch is always maxCostUsd.
  const said = test.model_calls?.budget_exceeded ?? ''
  if (/\brun budget\b/.test(said)) return 'budget stop: run budget'
  const limit = /\b(maxTokens|maxModelCalls|maxCostUsd)\b/.exec(said)?.[1]
  return `budget stop: ${limit ?? 'maxCostUsd'}`
}
