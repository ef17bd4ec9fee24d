import type { NotRunEntry, RunFile, TestEntry } from '../store/schema.ts'
import { countToolCalls, toolSummaryOf } from './tool-summary.ts'
import type { BudgetOverrun, Comparison, StatusChange, TestDelta, TestSnapshot } from './types.ts'

interface Named {
  name: string
  suite: string
}

function baseKey(test: Named): string {
  return test.suite ? `${test.suite} › ${test.name}` : test.name
}

/** Keys that stay unique when a file holds the same suite and name twice (`#2`, `#3`, ...). */
function keyed<T extends Named>(items: readonly T[]): Array<{ key: string; item: T }> {
  const seen = new Map<string, number>()
  return items.map((item) => {
    const key = baseKey(item)
    const n = (seen.get(key) ?? 0) + 1
    seen.set(key, n)
    return { key: n === 1 ? key : `${key} #${n}`, item }
  })
}

function snapshot(test: TestEntry): TestSnapshot {
  return {
    passed: test.passed,
    cost_usd: test.cost_usd,
    turns_used: test.turns_used,
    duration_ms: test.duration_ms,
    detection_rate: test.detection_rate,
    tool_summary: toolSummaryOf(test),
    exit_reason: test.exit_reason,
    timeout_at_turn: test.timeout_at_turn,
    error: test.error,
    headline: test.headline,
  }
}

function statusOf(before: TestEntry, after: TestEntry): StatusChange {
  if (before.passed && !after.passed) return 'regressed'
  if (!before.passed && after.passed) return 'improved'
  return 'unchanged'
}

function addTools(into: Record<string, number>, summary: Record<string, number>): void {
  for (const [tool, n] of Object.entries(summary)) into[tool] = (into[tool] ?? 0) + n
}

/**
 * Matches the earlier run's tests to later items: by key first, then by name alone where one
 * side has no suite (files from tools that leave `suite` empty). Returns the earlier test for
 * each later item and leaves the unmatched earlier tests in `pending`.
 */
function matcher(before: readonly TestEntry[]) {
  const pending = new Map<string, TestEntry>()
  // Indexed by name so that the fallback stays linear when many tests are new.
  const byName = new Map<string, string[]>()
  for (const { key, item } of keyed(before)) {
    pending.set(key, item)
    const keys = byName.get(item.name)
    if (keys) keys.push(key)
    else byName.set(item.name, [key])
  }
  return {
    pending,
    take(key: string, item: Named): TestEntry | undefined {
      const exact = pending.get(key)
      if (exact) {
        pending.delete(key)
        return exact
      }
      const loose = (byName.get(item.name) ?? []).filter((k) => {
        const test = pending.get(k)
        return test !== undefined && (test.suite === '' || item.suite === '')
      })
      if (loose.length !== 1) return undefined
      const test = pending.get(loose[0]!)
      pending.delete(loose[0]!)
      return test
    },
  }
}

/**
 * Compares two runs test by test. Tests are matched by suite and name; a test the later run
 * records as skipped, todo or not run (or that is missing from an unfinished later run) is
 * `not_run`, never a regression. Pure: no I/O.
 */
export function compareRuns(
  before: RunFile,
  after: RunFile,
  files: { beforeFile: string; afterFile: string },
  options: CompareOptions = {},
): Comparison {
  const budgetFactor = options.budgetFactor ?? DEFAULT_BUDGET_FACTOR
  const match = matcher(before.tests)
  const deltas: Omit<TestDelta, 'label'>[] = []
  const ranNow = keyed(after.tests)
  const ranKeys = new Set(ranNow.map(({ key }) => key))

  for (const { key, item } of ranNow) {
    const previous = match.take(key, item)
    deltas.push({
      key,
      name: item.name,
      suite: item.suite,
      status_change: previous ? statusOf(previous, item) : 'added',
      before: previous ? snapshot(previous) : null,
      after: snapshot(item),
    })
  }
  const notRun: NotRunEntry[] = after.not_run ?? []
  for (const { key, item } of keyed(notRun)) {
    if (ranKeys.has(key)) continue
    const previous = match.take(key, item)
    deltas.push({
      key,
      name: item.name,
      suite: item.suite,
      status_change: 'not_run',
      before: previous ? snapshot(previous) : null,
      after: null,
      not_run:
        item.reason === undefined ? { status: item.status } : { status: item.status, reason: item.reason },
    })
  }
  for (const [key, previous] of match.pending) {
    // An unfinished run simply had not reached these tests: that says nothing about them.
    const unfinished = after._partial === true
    deltas.push({
      key,
      name: previous.name,
      suite: previous.suite,
      status_change: unfinished ? 'not_run' : 'removed',
      before: snapshot(previous),
      after: null,
      ...(unfinished ? { not_run: { status: 'not_run' as const, reason: 'the run did not finish' } } : {}),
    })
  }

  const nameCount = new Map<string, number>()
  for (const d of deltas) nameCount.set(d.name, (nameCount.get(d.name) ?? 0) + 1)
  const labelled: TestDelta[] = deltas.map((d) => {
    const budget = d.before && d.after ? overruns(d.before, d.after, budgetFactor) : []
    return {
      ...d,
      label: (nameCount.get(d.name) ?? 0) > 1 ? d.key : d.name,
      ...(budget.length > 0 && { budget }),
    }
  })

  const counts: Record<StatusChange, number> = {
    improved: 0,
    regressed: 0,
    unchanged: 0,
    added: 0,
    removed: 0,
    not_run: 0,
  }
  const toolsBefore: Record<string, number> = {}
  const toolsAfter: Record<string, number> = {}
  for (const d of labelled) {
    counts[d.status_change]++
    if (d.before) addTools(toolsBefore, d.before.tool_summary)
    if (d.after) addTools(toolsAfter, d.after.tool_summary)
  }

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
    budget_regressions: labelled.filter((d) => d.budget).length,
    budget_factor: budgetFactor,
    before_partial: before._partial === true,
    after_partial: after._partial === true,
    deltas: labelled,
    // Rounded so float noise (0.30000000000000004) never shows up as a cost change.
    total_cost_delta: Math.round((after.total_cost_usd - before.total_cost_usd) * 1e6) / 1e6,
    total_duration_delta: after.total_duration_ms - before.total_duration_ms,
    ...counts,
    tool_count_before: countToolCalls(toolsBefore),
    tool_count_after: countToolCalls(toolsAfter),
    tools_before: toolsBefore,
    tools_after: toolsAfter,
  }
}

/** Options of `compareRuns`. */
export interface CompareOptions {
  /**
   * A case whose turns or tool calls exceed this many times the earlier run's is flagged as a
   * budget regression (whatever its pass/fail outcome).
   * @default 2
   */
  budgetFactor?: number
}

export const DEFAULT_BUDGET_FACTOR = 2

function overruns(before: TestSnapshot, after: TestSnapshot, factor: number): BudgetOverrun[] {
  const found: BudgetOverrun[] = []
  const check = (measure: BudgetOverrun['measure'], was: number | undefined, now: number | undefined) => {
    if (was !== undefined && now !== undefined && was > 0 && now > was * factor)
      found.push({ measure, before: was, after: now })
  }
  check('turns', before.turns_used, after.turns_used)
  check('tool calls', countToolCalls(before.tool_summary), countToolCalls(after.tool_summary))
  return found
}
