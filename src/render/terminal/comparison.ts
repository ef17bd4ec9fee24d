import { basename } from 'node:path'
import { commentary, sandboxChanged } from '../../compare/commentary.ts'
import type { CaseDelta, Comparison } from '../../compare/types.ts'
import { pNote, repeated, STATUS_VIEW, sideWord, viewOf } from '../case-status.ts'
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

const perRun = (n: number) => Math.round(n * 10) / 10

function cells(d: CaseDelta, width: number): string[] {
  const { before: b, after: a } = d
  const view = viewOf(d.status)
  const was = sideWord(b, d, false)
  const status = `${repeated(d) ? was : was.padEnd(4)} → ${sideWord(a, d, true)}${pNote(d)}`
  const name = truncate(d.label, width)
  if (d.status === 'not_run') {
    const why = d.not_run?.reason ? `(${d.not_run.reason})` : ''
    return [name, status, view.arrow, why]
  }
  const detection = b?.detection_rate !== undefined || a?.detection_rate !== undefined
  const detail = detection
    ? `${b?.detection_rate ?? '?'}→${a?.detection_rate ?? '?'} det`
    : formatPair(b?.cost_usd, a?.cost_usd, formatCost)
  // `5→7t(+2)`: the unit once, after the pair, as in the summary's `5t`.
  const turns =
    b?.turns_used !== undefined && a?.turns_used !== undefined
      ? `${perRun(b.turns_used)}→${perRun(a.turns_used)}t${a.turns_used === b.turns_used ? '' : `(${signed(perRun(a.turns_used - b.turns_used))})`}`
      : formatPair(b?.turns_used, a?.turns_used, (n) => `${perRun(n)}t`)
  const duration = formatPair(b?.duration_ms, a?.duration_ms, formatDuration, formatDurationDelta)
  const changed = sandboxChanged(d)
  return [name, status, view.arrow, detail, turns, duration, ...(changed ? [changed] : [])]
}

/** Cost, duration, tokens and tool calls over the cases both runs have. */
function totalLines(c: Comparison): string[] {
  const { totals_before: before, totals_after: after } = c
  const lines = [
    `Cost: ${formatCostDelta(after.cost_usd - before.cost_usd)}`,
    `Duration: ${formatDurationDelta(after.duration_ms - before.duration_ms)}`,
  ]
  if (before.tokens > 0 || after.tokens > 0)
    lines.push(`Tokens: ${before.tokens} → ${after.tokens} (${signed(after.tokens - before.tokens)})`)
  if (before.tool_calls === 0 && after.tool_calls === 0) return lines
  lines.push(
    `Tool calls: ${before.tool_calls} → ${after.tool_calls} (${signed(after.tool_calls - before.tool_calls)})`,
  )
  const tools = [...new Set([...Object.keys(before.tools), ...Object.keys(after.tools)])].sort()
  for (const tool of tools) {
    const b = before.tools[tool] ?? 0
    const a = after.tools[tool] ?? 0
    if (a !== b) lines.push(`  ${tool}: ${b} → ${a} (${signed(a - b)})`)
  }
  return lines
}

/**
 * A comparison as text: a header naming the previous run (branch, time, file), the cases in
 * groups (regressed, still failing, new failures, flaky, fixed, unchanged, added, removed,
 * not run; by name within a group; repeats as pass counts with their Fisher p-value; a
 * changed sandbox flagged on the row), the status counts, totals over the cases both runs
 * have (cost, duration, tokens, tool calls by tool) and the takeaways from
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
  const groups = STATUS_VIEW.map((g) => ({
    ...g,
    deltas: c.deltas
      .filter((d) => d.status === g.status)
      .sort((x, y) => (x.label < y.label ? -1 : x.label > y.label ? 1 : 0)),
  })).filter((g) => g.deltas.length > 0)
  // Each group lists at most maxRows tests; a long run's thousand unchanged cases are one line.
  const maxRows = options.maxRows ?? MAX_ROWS
  const listed = groups.map((g) => g.deltas.slice(0, maxRows))
  // One table across groups so columns line up from the first group to the last.
  const rows = alignColumns(listed.flatMap((deltas) => deltas.map((d) => cells(d, width))))
  let next = 0
  groups.forEach((g, i) => {
    const failing = ['regressed', 'still-failing', 'new-failure'].includes(g.status)
    const paint = failing
      ? p.red
      : g.status === 'fixed'
        ? p.green
        : g.status === 'flaky'
          ? p.yellow
          : (s: string) => s
    lines.push(paint(`${g.title} (${g.deltas.length}):`))
    for (const _ of listed[i]!) lines.push(`  ${paint(rows[next++]!)}`)
    const more = g.deltas.length - listed[i]!.length
    if (more > 0) lines.push(`  … and ${more} more ${g.word} (npx evalbox compare --all lists every test)`)
  })
  if (groups.length === 0) lines.push('  (no tests in either run)')

  lines.push('─'.repeat(RULE))
  const counts = STATUS_VIEW.filter((g) => c.counts[g.status] > 0).map(
    (g) => `${c.counts[g.status]} ${g.word}`,
  )
  if (c.budget_regressions > 0) counts.push(`${c.budget_regressions} over budget`)
  if (c.sandbox_changes > 0) counts.push(`${c.sandbox_changes} in another sandbox`)
  lines.push(`  Status: ${counts.length > 0 ? counts.join(', ') : 'no tests'}`)
  lines.push(
    `  Totals over the ${c.compared_cases} ${c.compared_cases === 1 ? 'case' : 'cases'} in both runs:`,
  )
  for (const line of totalLines(c)) lines.push(`    ${line}`)

  const notes = commentary(c)
  if (notes.length > 0) {
    lines.push('', '  Takeaway:')
    const loud = /^(REGRESSION|Still failing|New failure)/
    for (const note of notes) lines.push(`    ${loud.test(note) ? p.red(note) : note}`)
  }
  return lines.join('\n')
}
