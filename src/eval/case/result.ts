import { errorMessage } from '../../core/errors.ts'
import type { ExitReason } from '../../core/usage.ts'
import type { TestEntry } from '../../store/schema.ts'
import type { GradeSummary, RecordedMetrics, RunOutput } from '../context.ts'
import { budgetOf, composeHeadline, type HeadlineFacts, rootCause } from './headline.ts'
import type { CasePlan } from './spec.ts'

/**
 * What one case came to, once every step has run: read-only plain data, from which
 * `buildEntry` makes the result entry and `failureMessage` the test's failure.
 */
export interface CaseResult {
  readonly plan: CasePlan
  readonly startedAt: Date
  readonly durationMs: number
  /** What the case threw (the body, the task, a failed preparation), if anything. */
  readonly thrown: unknown
  readonly output: RunOutput | undefined
  /** How the task ended, for a case with a task that ran. */
  readonly taskExitReason: ExitReason | undefined
  readonly summary: GradeSummary | undefined
  /** An infrastructure failure: never graded as the agent's fault. */
  readonly infraError: string | undefined
  readonly harvest: TestEntry['harvest']
  readonly outputsNote: string | undefined
  readonly sandbox: { readonly provider: string; readonly id: string } | undefined
  readonly metrics: Readonly<RecordedMetrics>
  /** The case's run directory and what was kept there. */
  readonly files: {
    readonly relativeDir: string | undefined
    readonly error: string | undefined
    readonly artifacts: Readonly<Record<string, string>>
    readonly withheld: readonly { readonly path: string; readonly reason: string }[]
  }
}

/** The facts of a case its headline is composed from (see `composeHeadline`). */
export function headlineFacts(result: CaseResult): HeadlineFacts {
  const agent = result.output?.agent
  const { summary } = result
  return {
    infraError: result.infraError,
    runner: result.plan.spec.options.agent ? 'agent' : result.plan.spec.options.task ? 'task' : undefined,
    exitReason: exitReason(result),
    timeoutMs: result.plan.timeoutMs,
    timeoutAtTurn: agent?.metrics?.timeoutAtTurn,
    agentError: agent?.error,
    thrown: result.thrown === undefined ? undefined : errorMessage(result.thrown),
    grades: summary?.grades,
    gradesPass: summary?.pass,
    threshold: result.plan.spec.options.threshold,
    score: summary?.score,
  }
}

/**
 * The agent was stopped by its turn or cost budget, and the eval counts that as a failure
 * (`budgetStop: 'fail'`, the default): a budget is a limit, and work done past it (a tool
 * call that landed before the stop) must not earn a pass.
 */
export function failedByBudget(result: CaseResult): boolean {
  const budget = budgetOf(result.output?.agent?.exitReason)
  return budget !== undefined && (result.plan.spec.options.budgetStop ?? 'fail') === 'fail'
}

/**
 * Why the case failed, or undefined when it passed (what it threw aside). It leads with the
 * case's headline when the root cause comes before the graders (a timeout, a budget stop,
 * the agent's exit code), then says what the graders found.
 */
export function failureMessage(result: CaseResult): string | undefined {
  const { summary, infraError } = result
  const { testName, options } = result.plan.spec
  const agent = result.output?.agent
  if (infraError) return `Infrastructure failure (not graded as the agent's fault): ${infraError}`
  const cause = rootCause(headlineFacts(result))
  const byBudget = failedByBudget(result)
  if (summary) {
    if (summary.pass && !byBudget) return undefined
    const headline = cause
      ? `Eval "${testName}" failed: ${composeHeadline(headlineFacts(result))}`
      : undefined
    if (summary.pass) return headline
    const failed = summary.grades.filter((grade) => !grade.pass)
    const threshold = options.threshold
    const head =
      threshold === undefined
        ? failed.length === 1
          ? 'failed'
          : `${failed.length} of ${summary.grades.length} grades failed`
        : `score ${formatScore(summary.score)} is below the threshold ${threshold}`
    const reasons = failed.map(
      (grade) => `${grade.name}${grade.score === null ? ' (unscored)' : ''}: ${grade.explanation}`,
    )
    const graded = `Eval "${testName}" ${head}: ${reasons.join('; ')}`
    return headline ? `${headline}\n${graded}` : graded
  }
  if (agent && agent.exitReason !== 'success') {
    return `Eval "${testName}": the agent stopped with ${agent.exitReason}${agent.error ? `: ${agent.error}` : ''}`
  }
  return undefined
}

/** The case's exit reason: the agent's or the task's, or `sandbox_error` after an infrastructure failure. */
export function exitReason(result: CaseResult): ExitReason | undefined {
  const reason = result.output?.agent?.exitReason ?? result.taskExitReason
  // An agent that finished, in a case that then failed on infrastructure (its harvest, say).
  if (result.infraError && (reason === undefined || reason === 'success')) return 'sandbox_error'
  return reason
}

export function formatScore(score: number | null): string {
  return score === null ? 'unscored' : score.toFixed(2)
}
