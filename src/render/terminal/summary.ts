import { budgetTag, failureReason } from '../../compare/failure-reason.ts'
import type { NotRunEntry, RunFile, TestEntry } from '../../store/schema.ts'
import { alignColumns, formatCost, formatDuration, truncate } from '../format.ts'
import { MAX_ROWS, palette, type RenderOptions } from '../options.ts'
import { caseStatsText, runStatsText, shownStats } from '../stats-text.ts'

const NAME_MAX = 44
const RULE = 72

/** Options for {@link renderSummary}. */
export interface SummaryOptions extends RenderOptions {
  /** Where the run file was saved; printed as the last line. @default not printed */
  file?: string
}

const NOT_RUN_LABEL: Record<NotRunEntry['status'], string> = {
  skipped: 'SKIP',
  todo: 'TODO',
  not_run: 'NOT RUN',
}

/**
 * The detail column: detections, else judge scores, else the score; plus why a failure
 * ended, and a budget stop whether the case passed or not.
 */
function detail(test: TestEntry): string {
  const parts: string[] = []
  if (test.detection_rate !== undefined) {
    const planted = (test.detected_bugs?.length ?? 0) + (test.missed_bugs?.length ?? 0)
    parts.push(planted > 0 ? `${test.detection_rate}/${planted} det` : `${test.detection_rate} det`)
  } else if (test.judge_scores && Object.keys(test.judge_scores).length > 0) {
    parts.push(
      Object.entries(test.judge_scores)
        .map(([k, v]) => `${k}:${v}`)
        .join(' '),
    )
  } else if (test.score !== undefined) {
    parts.push(test.score === null ? 'unscored' : `score ${test.score.toFixed(2)}`)
  }
  const budget = budgetTag(test)
  if (budget) parts.push(`[${budget}]`)
  else if (!test.passed && test.exit_reason && test.exit_reason !== 'success') {
    const at = test.timeout_at_turn === undefined ? '' : ` at turn ${test.timeout_at_turn}`
    parts.push(`[${test.exit_reason}${at}]`)
  }
  if (test.flaky) parts.push('(flaky)')
  return parts.join(' ')
}

/** One line per failing test shown: its name and its headline (root cause first). */
function failureLines(shown: readonly TestEntry[], width: number): string[] {
  const lines = shown.flatMap((test) => {
    const why = test.passed ? undefined : failureReason(test)
    return why ? [`  ✗ ${truncate(test.name, width)}: ${why}`] : []
  })
  return lines.length > 0 ? ['─'.repeat(RULE), ...lines] : []
}

function header(run: RunFile): string {
  const version =
    run.version === 'unknown' ? 'no version' : run.version.startsWith('v') ? run.version : `v${run.version}`
  return `Eval results — ${version} @ ${run.branch} (${run.git_sha.slice(0, 7)}) — ${run.tier}`
}

function partialNote(run: RunFile): string | undefined {
  if (!run._partial) return undefined
  const why =
    run.partial_reason === 'running'
      ? 'the run is still in progress'
      : run.partial_reason === 'interrupted'
        ? 'the run was interrupted before it finished'
        : 'the run did not finish'
  return `PARTIAL: ${why}; ${run.total_tests} finished test${run.total_tests === 1 ? '' : 's'} recorded.`
}

function totals(run: RunFile): string {
  const counts = new Map<string, number>()
  for (const entry of run.not_run ?? []) {
    const word = entry.status === 'not_run' ? 'not run' : entry.status
    counts.set(word, (counts.get(word) ?? 0) + 1)
  }
  const flaky = run.tests.filter((t) => t.flaky).length
  if (flaky > 0) counts.set('flaky', flaky)
  const extra = [...counts].map(([word, n]) => `, ${n} ${word}`).join('')
  const wall = run.wall_clock_ms === undefined ? '' : ` (wall ${formatDuration(run.wall_clock_ms)})`
  const cost = formatCost(run.total_cost_usd) + costSplit(run.tests)
  const duration = formatDuration(run.total_duration_ms)
  return `Total: ${run.passed}/${run.total_tests} passed${extra} — ${cost} — ${duration}${wall}`
}

/** ` (agents $A + judges $J)` when judges spent anything: the total is their sum, shown. */
function costSplit(tests: readonly TestEntry[]): string {
  let agents = 0
  let judges = 0
  for (const test of tests) {
    judges += test.judge_cost_usd ?? 0
    agents += test.agent_cost_usd ?? test.cost_usd - (test.judge_cost_usd ?? 0)
  }
  return judges > 0 ? ` (agents ${formatCost(agents)} + judges ${formatCost(judges)})` : ''
}

// Repeated cases listed under the stats line; the rest are counted.
const MAX_STAT_CASES = 10

/** The stats line and a line per repeated case (least reliable first); nothing when not worth it. */
function statsLines(run: RunFile, width: number): string[] {
  const stats = shownStats(run)
  if (!stats) return []
  const cases = [...(stats.cases ?? [])].sort((a, b) => a.pass_rate.rate - b.pass_rate.rate)
  const lines = [`  Stats: ${runStatsText(stats)}`]
  for (const c of cases.slice(0, MAX_STAT_CASES)) {
    lines.push(`    ${truncate(c.case_name, width)}: ${caseStatsText(c, stats.confidence)}`)
  }
  if (cases.length > MAX_STAT_CASES)
    lines.push(`    … and ${cases.length - MAX_STAT_CASES} more repeated cases`)
  return lines
}

/**
 * The summary table of one run file: a header (version @ branch (sha) — tier), one row per
 * test (name, PASS/FAIL, cost, turns, duration, detail), rows for tests that did not run, a
 * totals line, the run's statistics when it has repeats or enough tests, and, when given, where the file was saved. A partial run says so. Pure.
 */
export function renderSummary(run: RunFile, options: SummaryOptions = {}): string {
  const p = palette(options)
  const notRun = run.not_run ?? []
  let width = 10
  for (const t of [...run.tests, ...notRun]) width = Math.max(width, Math.min(NAME_MAX, t.name.length))
  // Failing tests first when the list is cut, so a long run never hides a failure.
  const maxRows = options.maxRows ?? MAX_ROWS
  const cut = run.tests.length + notRun.length > maxRows
  const shown = cut
    ? [...run.tests.filter((t) => !t.passed), ...run.tests.filter((t) => t.passed)].slice(0, maxRows)
    : run.tests
  const rows: string[][] = shown.map((t) => [
    truncate(t.name, width),
    t.passed ? 'PASS' : 'FAIL',
    formatCost(t.cost_usd),
    t.turns_used === undefined ? '' : `${t.turns_used}t`,
    formatDuration(t.duration_ms),
    detail(t),
  ])
  for (const entry of cut ? notRun.slice(0, Math.max(0, maxRows - rows.length)) : notRun) {
    rows.push([truncate(entry.name, width), NOT_RUN_LABEL[entry.status], '', '', '', entry.reason ?? ''])
  }
  const hidden = run.tests.length + notRun.length - rows.length
  const paint = (cell: string, _row: number, column: number) => {
    if (column !== 1) return cell
    return cell === 'PASS' ? p.green(cell) : cell === 'FAIL' ? p.red(cell) : p.yellow(cell)
  }

  const lines = [p.bold(header(run)), '═'.repeat(RULE)]
  const partial = partialNote(run)
  if (partial) lines.push(p.yellow(partial))
  if (rows.length === 0) lines.push('  (no tests recorded)')
  for (const line of alignColumns(rows, { align: ['l', 'l', 'r', 'r', 'r', 'l'], paint })) {
    lines.push(`  ${line}`)
  }
  if (hidden > 0) lines.push(`  … and ${hidden} more (npx evalbox show <file> --all lists every test)`)
  lines.push(...failureLines(shown, width))
  lines.push('─'.repeat(RULE), `  ${totals(run)}`, ...statsLines(run, width))
  if (options.file) lines.push(`Saved: ${options.file}`)
  return lines.join('\n')
}
