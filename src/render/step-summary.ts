import type { CaseStatus } from '../compare/classify.ts'
import { commentary, sandboxChanged } from '../compare/commentary.ts'
import { budgetTag, failureReason } from '../compare/failure-reason.ts'
import type { GateResult } from '../compare/gate.ts'
import type { CaseDelta, Comparison } from '../compare/types.ts'
import type { RunFile } from '../store/schema.ts'
import { pNote, STATUS_VIEW, sideWord, viewOf } from './case-status.ts'
import {
  formatCost,
  formatCostDelta,
  formatDuration,
  formatDurationDelta,
  formatPair,
  formatTime,
  signed,
} from './format.ts'
import { mdCell, mdTable } from './markdown.ts'
import { bootstrapNote, caseStatsText, runStatsText, shownStats } from './stats-text.ts'

// A step summary is capped at 1 MiB by GitHub; thousands of unchanged rows help nobody.
const MAX_ROWS = 300

// Failures first, then fixes, then the rest, as in the terminal comparison.
const rank = (status: CaseStatus) => STATUS_VIEW.findIndex((v) => v.status === status)
// The change column: the arrow and the word, except for the quiet ones.
const QUIET: readonly CaseStatus[] = ['passing', 'not_run']
function changeWord(d: CaseDelta): string {
  const view = viewOf(d.status)
  const word = QUIET.includes(d.status) ? view.word : `${view.arrow} ${view.word}`
  const changed = sandboxChanged(d)
  return changed ? `${word} ⚠️ ${changed}` : word
}

/** `80%`, `99.5%`: rounded down, so a run with a failure never reads 100%. */
function passRate(run: RunFile): string {
  if (run.total_tests === 0) return '—'
  return `${Math.floor((run.passed / run.total_tests) * 1000) / 10}%`
}

function tierRow(run: RunFile): string[] {
  const notRun = run.not_run?.length ?? run.skipped ?? 0
  return [
    mdCell(run._partial ? `${run.tier} (partial)` : run.tier),
    `${run.passed}/${run.total_tests}`,
    passRate(run),
    String(run.failed),
    String(notRun),
    formatCost(run.total_cost_usd),
    formatDuration(run.total_duration_ms),
    run.wall_clock_ms === undefined ? '—' : formatDuration(run.wall_clock_ms),
  ]
}

/** `a → b (change)`; one value when both sides read the same. */
function change(
  before: number | undefined,
  after: number | undefined,
  show: (n: number) => string,
  delta: (n: number) => string,
): string {
  if (before !== undefined && after !== undefined && show(before) === show(after)) return show(after)
  return formatPair(before, after, show, delta, true)
}

function deltaRow(d: CaseDelta): string[] {
  const { before: b, after: a } = d
  return [
    mdCell(changeWord(d)),
    mdCell(d.label),
    sideWord(b, d, false),
    `${sideWord(a, d, true)}${pNote(d)}`,
    change(b?.cost_usd, a?.cost_usd, formatCost, formatCostDelta),
    change(b?.turns_used, a?.turns_used, String, signed),
    change(b?.duration_ms, a?.duration_ms, formatDuration, formatDurationDelta),
  ]
}

function comparisonSection(run: RunFile, c: Comparison | { note: string } | undefined): string[] {
  const lines = [`### ${mdCell(run.tier)} vs previous run`, '']
  if (!c) return [...lines, `No earlier finalized ${mdCell(run.tier)} run to compare with.`]
  if ('note' in c) return [...lines, mdCell(c.note)]
  const counts = STATUS_VIEW.filter((v) => c.counts[v.status] > 0).map(
    (v) => `${c.counts[v.status]} ${v.word}`,
  )
  if (c.sandbox_changes > 0) counts.push(`${c.sandbox_changes} in another sandbox`)
  const { totals_before: tb, totals_after: ta } = c
  const n = c.compared_cases
  lines.push(
    `Previous: ${mdCell(c.before_branch)} @ ${formatTime(c.before_timestamp)} (${mdCell(c.before_sha.slice(0, 7))}${c.before_partial ? ', partial' : ''}). ` +
      `${counts.length > 0 ? counts.join(', ') : 'no tests'}; over the ${n} ${n === 1 ? 'case' : 'cases'} in both runs: ` +
      `cost ${formatCostDelta(ta.cost_usd - tb.cost_usd)}, duration ${formatDurationDelta(ta.duration_ms - tb.duration_ms)}.`,
    '',
  )
  const deltas = [...c.deltas].sort(
    (x, y) => rank(x.status) - rank(y.status) || (x.label < y.label ? -1 : x.label > y.label ? 1 : 0),
  )
  if (deltas.length > 0) {
    const shown = deltas.slice(0, MAX_ROWS)
    const header = ['Change', 'Test', 'Before', 'After', 'Cost', 'Turns', 'Duration']
    lines.push(...mdTable(header, shown.map(deltaRow)))
    if (deltas.length > shown.length) lines.push('', `… and ${deltas.length - shown.length} more tests.`)
  }
  const notes = commentary(c)
  if (notes.length > 0) lines.push('', '**Takeaways**', '', ...notes.map((n) => `- ${mdCell(n)}`))
  return lines
}

// Failing cases listed with their headline per run; the rest are counted.
const MAX_FAILURES = 50

/**
 * The run's failing cases, each with its headline (root cause first), and the cases that
 * passed although a budget stopped their agent; nothing when every case passed cleanly.
 */
function caseSection(run: RunFile): string[] {
  const listed = run.tests.filter((t) => !t.passed || budgetTag(t))
  if (listed.length === 0) return []
  const shown = listed.slice(0, MAX_FAILURES).map((t) => {
    const tag = budgetTag(t)
    const why = t.passed ? `passed, graded with budgetStop: 'grade'` : (failureReason(t) ?? 'the eval failed')
    return `- ${t.passed ? '⚠️' : '❌'} **${mdCell(t.name)}**${tag ? ` \`${tag}\`` : ''} — ${mdCell(why)}`
  })
  const more = listed.length - shown.length
  return [
    '',
    `### ${mdCell(run.tier)}: why cases failed`,
    '',
    ...shown,
    ...(more > 0 ? [`- … and ${more} more.`] : []),
  ]
}

/**
 * The run's statistics when it has repeated cases or enough tests: one line for the run, a
 * row per repeated case (least reliable first), and how the intervals were computed.
 */
function statsSection(run: RunFile): string[] {
  const stats = shownStats(run)
  if (!stats) return []
  const lines = ['', `### ${mdCell(run.tier)}: statistics`, '', `${mdCell(runStatsText(stats))}.`]
  const cases = [...(stats.cases ?? [])].sort((a, b) => a.pass_rate.rate - b.pass_rate.rate)
  const shown = cases.slice(0, MAX_FAILURES)
  if (shown.length > 0) {
    lines.push(
      '',
      ...mdTable(
        ['Repeated case', 'Over its repeats'],
        shown.map((c) => [mdCell(c.case_name), mdCell(caseStatsText(c, stats.confidence))]),
      ),
    )
    if (cases.length > shown.length)
      lines.push('', `… and ${cases.length - shown.length} more repeated cases.`)
  }
  return [...lines, '', `<sub>${mdCell(bootstrapNote(stats))}</sub>`]
}

/** What a run's gate said, for {@link stepSummary}: its verdict, or why there was none. */
export type SummaryGate = Pick<GateResult, 'ok' | 'title' | 'message'> | { note: string }

function gateSection(gate: SummaryGate): string[] {
  if ('note' in gate) return ['', `**Gate:** ${mdCell(gate.note)}`]
  // The message is aligned plain text; a fenced block keeps it readable and unescaped.
  const fence = gate.message.includes('```') ? '~~~' : '```'
  return ['', `**${gate.ok ? '✅' : '❌'} ${mdCell(gate.title)}**`, '', fence, gate.message, fence]
}

/**
 * A GitHub job summary in markdown: a table of pass rate, cost and duration per tier, then
 * for each run its failing cases with their headlines (and cases that passed despite a
 * budget stop), its statistics (when it has repeats or enough tests), its comparison with the previous run (`comparisons[i]` belongs to `runs[i]`;
 * `undefined` when there was none, `{ note }` to say why it was not compared): a table of
 * per-case changes with deltas (repeats as pass counts; a changed sandbox flagged), failures first, then fixes, then the rest, and the
 * takeaways; then the gate's verdict when `gates[i]` is given. Pure and deterministic.
 */
export function stepSummary(
  runs: RunFile[],
  comparisons: (Comparison | { note: string } | undefined)[],
  gates: (SummaryGate | undefined)[] = [],
): string {
  const lines = ['## Eval results', '']
  if (runs.length === 0) return [...lines, 'No eval runs.', ''].join('\n')
  const first = runs[0]!
  lines.push(
    `${mdCell(first.version)} @ ${mdCell(first.branch)} (${mdCell(first.git_sha.slice(0, 7))}), started ${formatTime(first.timestamp)}`,
    '',
    ...mdTable(
      ['Tier', 'Passed', 'Pass rate', 'Failed', 'Not run', 'Cost', 'Duration', 'Wall clock'],
      runs.map(tierRow),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  )
  for (const run of runs.filter((r) => r._partial)) {
    lines.push(
      '',
      `> **Partial:** the ${mdCell(run.tier)} run did not finish; only finished tests are counted.`,
    )
  }
  runs.forEach((run, i) => {
    lines.push(...caseSection(run), ...statsSection(run))
    lines.push('', ...comparisonSection(run, comparisons[i]))
    const gate = gates[i]
    if (gate) lines.push(...gateSection(gate))
  })
  return `${lines.join('\n')}\n`
}
