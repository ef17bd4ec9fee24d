import type { RunFile, TestEntry } from '../store/schema.ts'
import { type CaseStatus, classifyRuns, DEFAULT_ALPHA } from './classify.ts'
import { countToolCalls, toolSummaryOf } from './tool-summary.ts'
import type { BudgetOverrun, CaseDelta, CaseSide, Comparison, RunTotals, SandboxUsed } from './types.ts'

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length

/** The mean of a measure over the entries that report it; undefined when none does. */
function meanOf(
  entries: readonly TestEntry[],
  pick: (t: TestEntry) => number | undefined,
): number | undefined {
  const values = entries.map(pick).filter((v): v is number => v !== undefined)
  return values.length > 0 ? mean(values) : undefined
}

/** Rounded to 1/`scale` (a whole ms, a tenth of a turn), so per-run means do not read as noise. */
function round(n: number | undefined, scale = 1): number | undefined {
  return n === undefined ? undefined : Math.round(n * scale) / scale
}

function addTools(into: Record<string, number>, summary: Record<string, number>): void {
  for (const [tool, n] of Object.entries(summary)) into[tool] = (into[tool] ?? 0) + n
}

function sandboxOf(test: TestEntry): SandboxUsed | undefined {
  if (!test.sandbox) return undefined
  return test.sandbox.image === undefined
    ? { provider: test.sandbox.provider }
    : { provider: test.sandbox.provider, image: test.sandbox.image }
}

/** A case's entries as one side: measures per run, failure facts of its first failing run. */
function side(entries: readonly TestEntry[]): CaseSide {
  const passed = entries.filter((t) => t.passed).length
  const shown = entries.find((t) => !t.passed) ?? entries[0]!
  const tools: Record<string, number> = {}
  for (const t of entries) addTools(tools, toolSummaryOf(t))
  for (const tool of Object.keys(tools)) tools[tool] = tools[tool]! / entries.length
  const s: CaseSide = {
    passed,
    runs: entries.length,
    cost_usd: mean(entries.map((t) => t.cost_usd)),
    tool_summary: tools,
  }
  const optional = {
    turns_used: round(
      meanOf(entries, (t) => t.turns_used),
      10,
    ),
    duration_ms: round(meanOf(entries, (t) => t.duration_ms)),
    detection_rate: meanOf(entries, (t) => t.detection_rate),
    exit_reason: shown.exit_reason,
    timeout_at_turn: shown.timeout_at_turn,
    error: shown.error,
    headline: shown.headline,
    sandbox: sandboxOf(shown),
  }
  for (const [field, value] of Object.entries(optional)) {
    if (value !== undefined) (s as unknown as Record<string, unknown>)[field] = value
  }
  return s
}

/** `docker (evalbox-base:bookworm-1)`, or the provider alone without `withImage` or an image. */
export function sandboxLabel(s: SandboxUsed, withImage = true): string {
  return withImage && s.image ? `${s.provider} (${s.image})` : s.provider
}

/** `docker → local`, with the images when they differ; undefined when nothing changed. */
function sandboxChange(before: CaseSide | null, after: CaseSide | null): CaseDelta['sandbox_change'] {
  const b = before?.sandbox
  const a = after?.sandbox
  if (!b || !a) return undefined
  const images = (b.image ?? '') !== (a.image ?? '')
  if (b.provider === a.provider && !images) return undefined
  return { before: sandboxLabel(b, images), after: sandboxLabel(a, images) }
}

function totals(entries: readonly TestEntry[]): RunTotals {
  const tools: Record<string, number> = {}
  let cost = 0
  let duration = 0
  let tokens = 0
  for (const t of entries) {
    cost += t.cost_usd
    duration += t.duration_ms
    tokens += (t.tokens?.input ?? 0) + (t.tokens?.output ?? 0)
    addTools(tools, toolSummaryOf(t))
  }
  // Rounded so float noise (0.30000000000000004) never shows up as a cost change.
  return {
    cost_usd: Math.round(cost * 1e6) / 1e6,
    duration_ms: duration,
    tokens,
    tool_calls: countToolCalls(tools),
    tools,
  }
}

/**
 * Compares two runs case by case: a baseline (the previous run, a blessed baseline, or one
 * composed of each case's last run) and the current run. Each case (suite + case name, its
 * repeats folded) is classified by `classifyRuns`, the classification the gate uses; a case
 * the later run records as skipped, todo or not run (or that is missing from an unfinished
 * later run) is `not_run`, never a regression. Totals are over the cases both runs have.
 * Pure: no I/O.
 */
export function compareRuns(
  before: RunFile,
  after: RunFile,
  files: { beforeFile: string; afterFile: string },
  options: CompareOptions = {},
): Comparison {
  const budgetFactor = options.budgetFactor ?? DEFAULT_BUDGET_FACTOR
  const alpha = options.alpha ?? DEFAULT_ALPHA
  const cases = classifyRuns(before, after, alpha)

  const nameCount = new Map<string, number>()
  for (const c of cases) nameCount.set(c.name, (nameCount.get(c.name) ?? 0) + 1)
  const deltas: CaseDelta[] = cases.map((c) => {
    const b = c.before.length > 0 ? side(c.before) : null
    const a = c.after.length > 0 ? side(c.after) : null
    const budget = b && a ? overruns(b, a, budgetFactor) : []
    const changed = sandboxChange(b, a)
    return {
      key: c.key,
      name: c.name,
      suite: c.suite,
      label: (nameCount.get(c.name) ?? 0) > 1 ? c.key : c.name,
      status: c.status,
      before: b,
      after: a,
      ...(c.p !== undefined && { p: c.p }),
      ...(c.not_run && { not_run: c.not_run }),
      ...(budget.length > 0 && { budget }),
      ...(changed && { sandbox_change: changed }),
    }
  })

  const counts: Record<CaseStatus, number> = {
    regressed: 0,
    'still-failing': 0,
    'new-failure': 0,
    flaky: 0,
    fixed: 0,
    added: 0,
    passing: 0,
    removed: 0,
    not_run: 0,
  }
  for (const d of deltas) counts[d.status]++
  const inBoth = cases.filter((c) => c.before.length > 0 && c.after.length > 0)

  return {
    before_file: files.beforeFile,
    after_file: files.afterFile,
    before_branch: before.branch,
    after_branch: after.branch,
    before_timestamp: before.timestamp,
    after_timestamp: after.timestamp,
    before_sha: before.git_sha,
    after_sha: after.git_sha,
    before_version: before.version,
    after_version: after.version,
    tier: after.tier,
    before_partial: before._partial === true,
    after_partial: after._partial === true,
    alpha,
    deltas,
    counts,
    compared_cases: inBoth.length,
    totals_before: totals(inBoth.flatMap((c) => c.before)),
    totals_after: totals(inBoth.flatMap((c) => c.after)),
    budget_regressions: deltas.filter((d) => d.budget).length,
    budget_factor: budgetFactor,
    sandbox_changes: deltas.filter((d) => d.sandbox_change).length,
  }
}

/** Options of `compareRuns`. */
export interface CompareOptions {
  /**
   * A case whose turns or tool calls (per run) exceed this many times the earlier run's is
   * flagged as a budget regression (whatever its outcome).
   * @default 2
   */
  budgetFactor?: number
  /**
   * Significance level of the Fisher test for cases with repeats; pass the gate's, so the
   * comparison and the gate classify alike.
   * @default 0.05
   */
  alpha?: number
}

export const DEFAULT_BUDGET_FACTOR = 2

function overruns(before: CaseSide, after: CaseSide, factor: number): BudgetOverrun[] {
  const found: BudgetOverrun[] = []
  const check = (measure: BudgetOverrun['measure'], was: number | undefined, now: number | undefined) => {
    if (was !== undefined && now !== undefined && was > 0 && now > was * factor)
      found.push({ measure, before: was, after: now })
  }
  check('turns', before.turns_used, after.turns_used)
  check('tool calls', countToolCalls(before.tool_summary), countToolCalls(after.tool_summary))
  return found
}
