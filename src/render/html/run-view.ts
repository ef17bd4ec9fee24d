import { sandboxLabel } from '../../compare/compare-runs.ts'
import { budgetTag, failureReason } from '../../compare/failure-reason.ts'
import type { NotRunEntry, RunFile, TestEntry } from '../../store/schema.ts'
import { describeFilter } from '../baseline-note.ts'
import { formatCost, formatDuration, formatTime } from '../format.ts'
import { caseStatsText, runStatsText, shownStats } from '../stats-text.ts'
import type { CaseStatus, ReportCase, ReportRun } from './types.ts'

const NOT_RUN_STATUS: Record<NotRunEntry['status'], CaseStatus> = {
  skipped: 'SKIP',
  todo: 'TODO',
  not_run: 'NOT RUN',
}

interface Named {
  name: string
  suite: string
}

/** `suite › name`, with `#2`, `#3` for later entries of the same suite and name (as compare does). */
function keyer(): (item: Named) => string {
  const seen = new Map<string, number>()
  return (item) => {
    const base = item.suite ? `${item.suite} › ${item.name}` : item.name
    const n = (seen.get(base) ?? 0) + 1
    seen.set(base, n)
    return n === 1 ? base : `${base} #${n}`
  }
}

function ranRow(key: string, test: TestEntry): ReportCase {
  const score = test.score ?? null
  const budget = budgetTag(test)
  const why = test.passed ? undefined : failureReason(test)
  return {
    key,
    name: test.name,
    suite: test.suite,
    status: test.passed ? 'PASS' : 'FAIL',
    score,
    scoreText: test.score === undefined ? '' : score === null ? 'unscored' : score.toFixed(2),
    cost_usd: test.cost_usd,
    costText: formatCost(test.cost_usd),
    turns: test.turns_used ?? null,
    duration_ms: test.duration_ms,
    durationText: formatDuration(test.duration_ms),
    exitReason: budget ? `${test.exit_reason} (${budget})` : (test.exit_reason ?? ''),
    ...(why !== undefined && { headline: why }),
    ...(test.sandbox && { sandbox: sandboxLabel(test.sandbox) }),
  }
}

function notRunRow(key: string, entry: NotRunEntry): ReportCase {
  const row: ReportCase = {
    key,
    name: entry.name,
    suite: entry.suite,
    status: NOT_RUN_STATUS[entry.status],
    score: null,
    scoreText: '',
    cost_usd: null,
    costText: '',
    turns: null,
    duration_ms: null,
    durationText: '',
    exitReason: '',
  }
  if (entry.reason !== undefined) row.reason = entry.reason
  return row
}

/** `2/3 passed (67%)`; a run with nothing finished says so. */
export function passRateText(passed: number, total: number): string {
  if (total === 0) return 'no tests ran'
  return `${passed}/${total} passed (${Math.round((passed / total) * 100)}%)`
}

/** Gives each repeat of a repeated case the case's statistics over all its repeats. */
function addCaseStats(run: RunFile, rows: ReportCase[]): void {
  const stats = run.stats
  if (!stats?.cases) return
  const text = new Map(
    stats.cases.map((c) => [
      JSON.stringify([c.file ?? '', c.suite, c.case_name]),
      caseStatsText(c, stats.confidence),
    ]),
  )
  run.tests.forEach((test, i) => {
    const found =
      (test.repeats ?? 1) > 1 &&
      text.get(JSON.stringify([test.file ?? '', test.suite, test.case_name ?? test.name]))
    if (found) rows[i]!.statsText = found
  })
}

/**
 * One run as the report shows it: header numbers and one row per test (tests that ran, then
 * those recorded as skipped, todo or not run), without case details. Also returns each
 * row's test entry by key, for reading its kept files. Pure.
 */
export function runView(file: string, run: RunFile): { view: ReportRun; tests: Map<string, TestEntry> } {
  const keyOf = keyer()
  const tests = new Map<string, TestEntry>()
  const cases: ReportCase[] = []
  for (const test of run.tests) {
    const key = keyOf(test)
    tests.set(key, test)
    cases.push(ranRow(key, test))
  }
  // A test that also ran (a retry, or a later shard) is shown once, as it ran.
  const notRunKeyOf = keyer()
  for (const entry of run.not_run ?? []) {
    const key = notRunKeyOf(entry)
    if (!tests.has(key)) cases.push(notRunRow(key, entry))
  }
  addCaseStats(run, cases)
  const total = run.total_tests
  const stats = shownStats(run)
  const view: ReportRun = {
    file,
    tier: run.tier,
    branch: run.branch,
    version: run.version,
    git_sha: run.git_sha,
    timestamp: run.timestamp,
    timeText: formatTime(run.timestamp),
    partial: run._partial === true,
    filter: run.filter ? describeFilter(run.filter) : null,
    passed: run.passed,
    failed: run.failed,
    total,
    skipped: run.skipped ?? run.not_run?.length ?? 0,
    passRate: total > 0 ? run.passed / total : null,
    passRateText: passRateText(run.passed, total),
    statsText: stats ? runStatsText(stats) : '',
    cost_usd: run.total_cost_usd,
    costText: formatCost(run.total_cost_usd),
    cases,
    detailsOmitted: false,
    previous: null,
  }
  return { view, tests }
}
