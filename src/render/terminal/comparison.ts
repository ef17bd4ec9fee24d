import { basename } from 'node:path'
import { commentary } from '../../compare/commentary.ts'
import type { Comparison, StatusChange, TestDelta, TestSnapshot } from '../../compare/types.ts'
import {
  alignColumns,
  formatCost,
  formatCostDelta,
  formatDuration,
  formatDurationDelta,
  formatPair,
  formatTime,
  signed,
  truncate,
} from '../format.ts'
import { MAX_ROWS, palette, type RenderOptions } from '../options.ts'

const NAME_MAX = 40
const RULE = 72

// Regressions first: they are what a reader of CI output must not miss.
const GROUPS: Array<{ status: StatusChange; title: string; arrow: string; word: string }> = [
  { status: 'regressed', title: 'Regressed', arrow: '↓', word: 'regressed' },
  { status: 'improved', title: 'Fixed', arrow: '↑', word: 'fixed' },
  { status: 'unchanged', title: 'Unchanged', arrow: '=', word: 'unchanged' },
  { status: 'added', title: 'Added', arrow: '+', word: 'added' },
  { status: 'removed', title: 'Removed', arrow: '-', word: 'removed' },
  { status: 'not_run', title: 'Not run', arrow: '·', word: 'not run' },
]

function statusWord(side: TestSnapshot | null, d: TestDelta, isAfter: boolean): string {
  if (side) return side.passed ? 'PASS' : 'FAIL'
  if (isAfter && d.not_run) return { skipped: 'SKIP', todo: 'TODO', not_run: 'NOT RUN' }[d.not_run.status]
  return '—'
}

function cells(d: TestDelta, width: number): string[] {
  const { before: b, after: a } = d
  const group = GROUPS.find((g) => g.status === d.status_change)!
  const status = `${statusWord(b, d, false).padEnd(4)} → ${statusWord(a, d, true)}`
  const name = truncate(d.label, width)
  if (d.status_change === 'not_run') {
    const why = d.not_run?.reason ? `(${d.not_run.reason})` : ''
    return [name, status, group.arrow, why]
  }
  const detection = b?.detection_rate !== undefined || a?.detection_rate !== undefined
  const detail = detection
    ? `${b?.detection_rate ?? '?'}→${a?.detection_rate ?? '?'} det`
    : formatPair(b?.cost_usd, a?.cost_usd, formatCost)
  // `5→7t(+2)`: the unit once, after the pair, as in the summary's `5t`.
  const turns =
    b?.turns_used !== undefined && a?.turns_used !== undefined
      ? `${b.turns_used}→${a.turns_used}t${a.turns_used === b.turns_used ? '' : `(${signed(a.turns_used - b.turns_used)})`}`
      : formatPair(b?.turns_used, a?.turns_used, (n) => `${n}t`)
  const duration = formatPair(b?.duration_ms, a?.duration_ms, formatDuration, formatDurationDelta)
  return [name, status, group.arrow, detail, turns, duration]
}

function toolLines(c: Comparison): string[] {
  if (c.tool_count_before === 0 && c.tool_count_after === 0) return []
  const lines = [
    `Tool calls: ${c.tool_count_before} → ${c.tool_count_after} (${signed(c.tool_count_after - c.tool_count_before)})`,
  ]
  const tools = [...new Set([...Object.keys(c.tools_before), ...Object.keys(c.tools_after)])].sort()
  for (const tool of tools) {
    const b = c.tools_before[tool] ?? 0
    const a = c.tools_after[tool] ?? 0
    if (a !== b) lines.push(`  ${tool}: ${b} → ${a} (${signed(a - b)})`)
  }
  return lines
}

/**
 * A comparison as text: a header naming the previous run (branch, time, file), the tests in
 * groups (regressed first, then fixed, unchanged, added, removed, not run; by name within a
 * group), totals (status counts, cost, duration, tool calls by tool) and the takeaways from
 * {@link commentary}. Pure and deterministic.
 */
export function renderComparison(c: Comparison, options: RenderOptions = {}): string {
  const p = palette(options)
  const partial = c.before_partial ? ', partial' : ''
  const lines = [
    p.bold(
      `vs previous: ${c.before_branch} @ ${formatTime(c.before_timestamp)} (${c.before_sha.slice(0, 7)}${partial}) — ${basename(c.before_file)}`,
    ),
    '─'.repeat(RULE),
  ]
  if (c.after_partial)
    lines.push(p.yellow('Note: this run did not finish; tests it had not reached are listed as not run.'))

  let width = 10
  for (const d of c.deltas) width = Math.max(width, Math.min(NAME_MAX, d.label.length))
  const groups = GROUPS.map((g) => ({
    ...g,
    deltas: c.deltas
      .filter((d) => d.status_change === g.status)
      .sort((x, y) => (x.label < y.label ? -1 : x.label > y.label ? 1 : 0)),
  })).filter((g) => g.deltas.length > 0)
  // Each group lists at most maxRows tests; a long run's thousand unchanged cases are one line.
  const maxRows = options.maxRows ?? MAX_ROWS
  const listed = groups.map((g) => g.deltas.slice(0, maxRows))
  // One table across groups so columns line up from the first group to the last.
  const rows = alignColumns(listed.flatMap((deltas) => deltas.map((d) => cells(d, width))))
  let next = 0
  groups.forEach((g, i) => {
    const paint = g.status === 'regressed' ? p.red : g.status === 'improved' ? p.green : (s: string) => s
    lines.push(paint(`${g.title} (${g.deltas.length}):`))
    for (const _ of listed[i]!) lines.push(`  ${paint(rows[next++]!)}`)
    const more = g.deltas.length - listed[i]!.length
    if (more > 0) lines.push(`  … and ${more} more ${g.word} (npx evalbox compare --all lists every test)`)
  })
  if (groups.length === 0) lines.push('  (no tests in either run)')

  lines.push('─'.repeat(RULE))
  const counts = GROUPS.filter((g) => c[g.status] > 0).map((g) => `${c[g.status]} ${g.word}`)
  if (c.budget_regressions > 0) counts.push(`${c.budget_regressions} over budget`)
  lines.push(`  Status: ${counts.length > 0 ? counts.join(', ') : 'no tests'}`)
  lines.push(`  Cost: ${formatCostDelta(c.total_cost_delta)}`)
  lines.push(`  Duration: ${formatDurationDelta(c.total_duration_delta)}`)
  for (const line of toolLines(c)) lines.push(`  ${line}`)

  const notes = commentary(c)
  if (notes.length > 0) {
    lines.push('', '  Takeaway:')
    for (const note of notes) lines.push(`    ${note.startsWith('REGRESSION') ? p.red(note) : note}`)
  }
  return lines.join('\n')
}
