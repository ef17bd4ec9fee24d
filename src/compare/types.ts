import type { NotRunEntry } from '../store/schema.ts'
import type { CaseStatus, GateFailOn, Outcome, PassCount } from './classify.ts'

/** Where a case ran: the sandbox provider, and the image its spec named (if any). */
export interface SandboxUsed {
  provider: string
  image?: string
}

/**
 * One side of a {@link CaseDelta}: a case's results in one run, its repeats folded. Measures
 * are per run (the mean over the repeats; a single run's own values); the failure facts are
 * those of its first failing run (else its first run).
 */
export interface CaseSide extends PassCount {
  cost_usd: number
  turns_used?: number
  duration_ms?: number
  /** Planted bugs detected (a count). */
  detection_rate?: number
  /** Tool calls by tool name, from the entries' `tool_summary` or inline transcripts. */
  tool_summary: Record<string, number>
  exit_reason?: string
  timeout_at_turn?: number
  error?: string
  /** The failure headline (root cause first). */
  headline?: string
  sandbox?: SandboxUsed
}

/** A case (suite + case name, repeats folded) compared across two runs. */
export interface CaseDelta {
  /** Identity used for matching: `suite › case`, or the case name when the suite is empty. */
  key: string
  name: string
  suite: string
  /** What to show: the name, or `suite › name` when the name alone is ambiguous. */
  label: string
  /** The case's classification (see `Outcome`), or `removed` / `not_run`. */
  status: CaseStatus
  /** `null` when the case has no result in the earlier run. */
  before: CaseSide | null
  /** `null` when the case has no result in the later run (removed or not run). */
  after: CaseSide | null
  /** The one-sided Fisher p-value, for a case with repeats on either side. */
  p?: number
  /** For `not_run`: how the later run recorded the case, and why. */
  not_run?: { status: NotRunEntry['status']; reason?: string }
  /** Budget measures that grew past the comparison's `budget_factor` times the earlier run's. */
  budget?: BudgetOverrun[]
  /**
   * The case ran in another sandbox provider or image than in the earlier run (`docker` →
   * `local`): its outcome may come from the sandbox, not the agent.
   */
  sandbox_change?: { before: string; after: string }
}

/** A turn or tool-call count that grew past the allowed factor. */
export interface BudgetOverrun {
  measure: 'turns' | 'tool calls'
  before: number
  after: number
}

/** Totals of one run over the cases both runs have. */
export interface RunTotals {
  cost_usd: number
  duration_ms: number
  /** Input plus output tokens. */
  tokens: number
  tool_calls: number
  /** Tool calls by tool name. */
  tools: Record<string, number>
}

/** Two runs compared case by case (the shape follows seed 002's comparison result). */
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
  /** The significance level repeated cases were judged at. */
  alpha: number
  deltas: CaseDelta[]
  /** Cases by status. */
  counts: Record<CaseStatus, number>
  /** Cases with a result in both runs: the cases the totals are computed over. */
  compared_cases: number
  /** Totals of each run over the `compared_cases` (cases only one run has are left out). */
  totals_before: RunTotals
  totals_after: RunTotals
  /** Cases with a budget overrun (see `CaseDelta.budget`). */
  budget_regressions: number
  /** A turn or tool-call count above this many times the earlier run's is a budget regression. */
  budget_factor: number
  /** Cases whose sandbox provider or image changed (see `CaseDelta.sandbox_change`). */
  sandbox_changes: number
}

/** The gate's judgement of one case (suite + case name, repeats folded together). */
export interface CaseVerdict {
  /** `suite › case`, or the case name when the suite is empty. */
  key: string
  suite: string
  /** The case name without the repeat suffix. */
  name: string
  outcome: Outcome
  /** Pass count in the earlier run; `null` when the case is new. */
  before: PassCount | null
  after: PassCount
  /** One-sided Fisher p-value, for a case with repeats on either side. */
  p?: number
  file?: string
  line?: number
}

/** A gate's outcome: plain data, the same shape whether it passed or failed. */
export interface GateResult {
  ok: boolean
  /** One line: passed/failed, the tier and the counts that decided it. */
  title: string
  /** The cases worth reading: regressions first, then still failing, new failures, flaky, fixed. */
  message: string
  /** The outcomes that failed (or would have failed) the gate. */
  failOn: GateFailOn[]
  regressed: CaseVerdict[]
  stillFailing: CaseVerdict[]
  newFailures: CaseVerdict[]
  flaky: CaseVerdict[]
  fixed: CaseVerdict[]
  /** The significance level used. */
  alpha: number
  /** Cases of the later run that were judged. */
  cases: number
}
