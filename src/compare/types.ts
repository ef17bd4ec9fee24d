import type { NotRunEntry } from '../store/schema.ts'
import type { PassCount } from './case-outcomes.ts'

/**
 * How one test moved between two runs.
 * - `improved`: failed before, passes now. `regressed`: passed before, fails now.
 * - `unchanged`: same outcome both times.
 * - `added`: ran now, with no previous result (new, or not run last time).
 * - `removed`: ran before, absent now from a finished run.
 * - `not_run`: recorded as skipped/todo/not run now (or missing from an unfinished run); never
 *   counted as a regression.
 */
export type StatusChange = 'improved' | 'regressed' | 'unchanged' | 'added' | 'removed' | 'not_run'

/** One side of a {@link TestDelta}: the numbers that are compared. */
export interface TestSnapshot {
  passed: boolean
  cost_usd: number
  turns_used?: number
  duration_ms?: number
  /** Planted bugs detected (a count). */
  detection_rate?: number
  /** Tool calls by tool name, from the entry's `tool_summary` or its inline transcript. */
  tool_summary: Record<string, number>
  exit_reason?: string
  timeout_at_turn?: number
  error?: string
  /** The entry's failure headline (root cause first). */
  headline?: string
}

/** The comparison of one test (matched by suite and name) across two runs. */
export interface TestDelta {
  /** Identity used for matching: `suite › name`, or `name` when the suite is empty. */
  key: string
  name: string
  suite: string
  /** What to show: the name, or `suite › name` when the name alone is ambiguous. */
  label: string
  status_change: StatusChange
  /** `null` when the test has no result in the earlier run. */
  before: TestSnapshot | null
  /** `null` when the test has no result in the later run (removed or not run). */
  after: TestSnapshot | null
  /** For `not_run`: how the later run recorded the test, and why. */
  not_run?: { status: NotRunEntry['status']; reason?: string }
  /** Budget measures that grew past the comparison's `budget_factor` times the earlier run's. */
  budget?: BudgetOverrun[]
}

/** A turn or tool-call count that grew past the allowed factor. */
export interface BudgetOverrun {
  measure: 'turns' | 'tool calls'
  before: number
  after: number
}

/** Two runs compared test by test (the shape follows seed 002's comparison result). */
export interface Comparison {
  before_file: string
  after_file: string
  before_branch: string
  after_branch: string
  before_timestamp: string
  after_timestamp: string
  before_sha: string
  after_sha: string
  before_version: string
  after_version: string
  /** Tier of the later run. */
  tier: string
  before_partial: boolean
  after_partial: boolean
  deltas: TestDelta[]
  /** Later run's total cost minus the earlier run's. */
  total_cost_delta: number
  /** Later run's summed test duration minus the earlier run's. */
  total_duration_delta: number
  improved: number
  regressed: number
  unchanged: number
  added: number
  removed: number
  not_run: number
  /** Tests with a budget overrun (see `TestDelta.budget`). */
  budget_regressions: number
  /** A turn or tool-call count above this many times the earlier run's is a budget regression. */
  budget_factor: number
  tool_count_before: number
  tool_count_after: number
  /** Tool calls by tool name, summed over all tests. */
  tools_before: Record<string, number>
  tools_after: Record<string, number>
}

/**
 * How a case moved. `regressed`/`improved`: a real change (single runs that flipped, or a
 * significant change with repeats). `flaky`: mixed outcomes in either run, or a change too
 * small to be significant. `new-failure`: absent before, every run failed now. `added`:
 * absent before, passes now. `unchanged`: the same steady outcome both times.
 */
export type Verdict = 'regressed' | 'improved' | 'flaky' | 'new-failure' | 'added' | 'unchanged'

/** The gate's judgement of one case (suite + case name, repeats folded together). */
export interface CaseVerdict {
  /** `suite › case`, or the case name when the suite is empty. */
  key: string
  suite: string
  /** The case name without the repeat suffix. */
  name: string
  verdict: Verdict
  /** Pass count in the earlier run; `null` when the case is new. */
  before: PassCount | null
  after: PassCount
  /**
   * One-sided Fisher p-value in the direction of the change (for a drop or no change: that
   * the earlier run passed more often; for a rise: that the later one did). Absent for
   * single runs on both sides and for new cases, which are not judged statistically.
   */
  p?: number
  file?: string
  line?: number
}

/** A gate's outcome: plain data, the same shape whether it passed or failed. */
export interface GateResult {
  ok: boolean
  /** One line: passed/failed, the tier and the counts that decided it. */
  title: string
  /** The cases worth reading: regressions first, then new failures, flaky, improved. */
  message: string
  regressed: CaseVerdict[]
  flaky: CaseVerdict[]
  improved: CaseVerdict[]
  /** Cases absent before whose runs all failed now (fail the gate with `failOn: ['new-failure']`). */
  newFailures: CaseVerdict[]
  /** The significance level used. */
  alpha: number
  /** Cases of the later run that were judged. */
  cases: number
}
