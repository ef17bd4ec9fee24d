import type { CaseStatus } from './classify.ts'
import { failureReason } from './failure-reason.ts'
import { formatCounts } from './gate-message.ts'
import type { CaseDelta, CaseSide, Comparison } from './types.ts'

// Thresholds below which a change is noise for a single agent run (they need both a relative
// and an absolute move, so a 1→2 turn change or a 0.4s wobble is not reported).
const TURNS_PCT = 20
const TURNS_MIN = 2
const DURATION_PCT = 20
const DURATION_MIN_MS = 5_000
const COST_PCT = 30
const COST_MIN_USD = 0.05
const OVERALL_PCT = 10
const OVERALL_MIN_TESTS = 3
const MAX_NAMES = 5

function byLabel(a: CaseDelta, b: CaseDelta): number {
  return a.label < b.label ? -1 : a.label > b.label ? 1 : 0
}

function quoted(labels: string[]): string {
  const shown = labels.slice(0, MAX_NAMES).map((l) => `"${l}"`)
  const more = labels.length - shown.length
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ')
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

function pct(delta: number, base: number): number {
  return Math.round((delta / base) * 100)
}

function efficiency(before: CaseSide, after: CaseSide): string[] {
  const notes: string[] = []
  if (before.turns_used !== undefined && after.turns_used !== undefined && before.turns_used > 0) {
    const delta = after.turns_used - before.turns_used
    const p = pct(delta, before.turns_used)
    if (Math.abs(p) >= TURNS_PCT && Math.abs(delta) >= TURNS_MIN) {
      notes.push(`${Math.abs(delta)} ${delta < 0 ? 'fewer' : 'more'} turns (${p > 0 ? '+' : ''}${p}%)`)
    }
  }
  if (before.duration_ms !== undefined && after.duration_ms !== undefined && before.duration_ms > 0) {
    const delta = after.duration_ms - before.duration_ms
    if (Math.abs(pct(delta, before.duration_ms)) >= DURATION_PCT && Math.abs(delta) >= DURATION_MIN_MS) {
      notes.push(`${Math.round(Math.abs(delta) / 1000)}s ${delta < 0 ? 'faster' : 'slower'}`)
    }
  }
  if (before.detection_rate !== undefined && after.detection_rate !== undefined) {
    const delta = after.detection_rate - before.detection_rate
    if (delta > 0) notes.push(`detects ${plural(delta, 'more bug')}`)
    if (delta < 0) notes.push(`detects ${plural(-delta, 'fewer bug')} — check the prompt`)
  }
  if (before.cost_usd > 0) {
    const delta = after.cost_usd - before.cost_usd
    const p = pct(delta, before.cost_usd)
    if (Math.abs(p) >= COST_PCT && Math.abs(delta) >= COST_MIN_USD) {
      notes.push(`${Math.abs(p)}% ${delta < 0 ? 'cheaper' : 'more expensive'}`)
    }
  }
  return notes
}

function overallParts(compared: CaseDelta[]): string[] {
  if (compared.length < OVERALL_MIN_TESTS) return []
  const sum = (pick: (s: CaseSide) => number | undefined, side: 'before' | 'after') =>
    compared.reduce((total, d) => total + (pick(d[side]!) ?? 0), 0)
  const parts: string[] = []
  // Each measure also needs an absolute move, so a 5 ms → 6 ms run is not "20% slower".
  const measures: Array<[(s: CaseSide) => number | undefined, string, string, number]> = [
    [(s) => s.cost_usd, 'cheaper', 'more expensive', COST_MIN_USD],
    [(s) => s.duration_ms, 'faster', 'slower', DURATION_MIN_MS],
    [(s) => s.turns_used, 'fewer turns', 'more turns', TURNS_MIN],
  ]
  for (const [pick, less, more, minimum] of measures) {
    const before = sum(pick, 'before')
    if (before <= 0) continue
    const delta = sum(pick, 'after') - before
    const p = pct(delta, before)
    if (Math.abs(p) >= OVERALL_PCT && Math.abs(delta) >= minimum)
      parts.push(`${Math.abs(p)}% ${p < 0 ? less : more}`)
  }
  return parts
}

/** `sandbox changed: docker → local` when the case's sandbox changed, for every output. */
export function sandboxChanged(d: Pick<CaseDelta, 'sandbox_change'>): string | undefined {
  return d.sandbox_change && `sandbox changed: ${d.sandbox_change.before} → ${d.sandbox_change.after}`
}

function sandboxNote(d: CaseDelta): string {
  const changed = sandboxChanged(d)
  return changed ? ` (${changed})` : ''
}

function because(d: CaseDelta): string {
  const why = d.after && d.after.passed < d.after.runs ? failureReason(d.after) : undefined
  return why ? ` — ${why}` : ''
}

/** `5/5 → 3/5 (p=0.222)` for a case with repeats on either side; empty for single runs. */
function repeatCounts(d: CaseDelta): string {
  const repeated = (d.before?.runs ?? 1) > 1 || (d.after?.runs ?? 1) > 1
  return repeated && d.after
    ? ` ${formatCounts({ before: d.before, after: d.after, ...(d.p !== undefined && { p: d.p }) })}`
    : ''
}

/**
 * Plain-language takeaways from a comparison: the failing cases first — regressed, still
 * failing, new failures, flaky (each with its root cause when known, and repeats with their
 * counts and Fisher p-value) — then budget overruns, fixes, sandbox changes of passing cases,
 * cases that were not compared, efficiency changes of cases that passed both times, and one
 * overall line that never calls a run with a failing case stable. Pure and deterministic.
 */
export function commentary(c: Comparison): string[] {
  const notes: string[] = []
  const group = (status: CaseStatus) => c.deltas.filter((d) => d.status === status).sort(byLabel)

  for (const d of group('regressed')) {
    const what = repeatCounts(d) || ' was passing, now fails'
    notes.push(`REGRESSION: "${d.label}"${what}${sandboxNote(d)}${because(d)}.`)
  }
  for (const d of group('still-failing')) {
    notes.push(
      `Still failing: "${d.label}" failed in the earlier run too${repeatCounts(d)}${sandboxNote(d)}${because(d)}.`,
    )
  }
  for (const d of group('new-failure')) {
    notes.push(`New failure: "${d.label}" has no earlier result and fails${repeatCounts(d)}${because(d)}.`)
  }
  for (const d of group('flaky')) {
    const counts = d.before ? repeatCounts(d) : ` ${d.after!.passed}/${d.after!.runs} passed, new`
    notes.push(
      `Flaky: "${d.label}"${counts}${sandboxNote(d)}: mixed results, or a change not significant at alpha ${c.alpha}.`,
    )
  }
  for (const d of c.deltas.filter((delta) => delta.budget).sort(byLabel)) {
    const overs = d.budget!.map(
      (o) =>
        `${round(o.after)} ${o.measure}, ${(o.after / o.before).toFixed(1)}× the previous ${round(o.before)}`,
    )
    notes.push(`BUDGET: "${d.label}" used ${overs.join(' and ')} (limit ${c.budget_factor}×).`)
  }
  const fixed = group('fixed')
  for (const d of fixed) notes.push(`Fixed: "${d.label}" now passes${repeatCounts(d)}${sandboxNote(d)}.`)
  for (const d of group('passing').filter((delta) => delta.sandbox_change))
    notes.push(`Sandbox changed: "${d.label}" passes as before${sandboxNote(d)}.`)

  const skipped = group('not_run').filter((d) => d.before !== null)
  if (skipped.length > 0) {
    const names = quoted(skipped.map((d) => d.label))
    notes.push(`Not compared: ${names} ran before but not this time.`)
  }
  const removed = group('removed')
  if (removed.length > 0) notes.push(`Removed: ${quoted(removed.map((d) => d.label))} no longer in the run.`)
  const added = group('added')
  if (added.length > 0) notes.push(`New: ${plural(added.length, 'test')} without a previous result.`)

  let efficiencyNotes = 0
  for (const d of group('passing')) {
    const insights = efficiency(d.before!, d.after!)
    if (insights.length === 0) continue
    efficiencyNotes++
    notes.push(`"${d.label}": ${insights.join(', ')}.`)
  }

  const failing = [
    [c.counts.regressed, 'regressed'],
    [c.counts['still-failing'], 'still failing'],
    [c.counts['new-failure'], 'new failing'],
    [c.counts.flaky, 'flaky'],
  ] as const
  const problems = failing.filter(([n]) => n > 0).map(([n, word]) => `${n} ${word}`)
  const compared = c.deltas.filter((d) => d.before !== null && d.after !== null)
  if (problems.length > 0) {
    const fixes = fixed.length > 0 ? `, ${fixed.length} fixed` : ''
    const of =
      compared.length > 0
        ? ` out of ${plural(compared.length, 'case')} compared`
        : '; no case ran in both runs'
    notes.push(`Overall: ${problems.join(', ')}${fixes}${of}.`)
  } else if (compared.length === 0) {
    notes.push('No test ran in both runs, so nothing could be compared.')
  } else {
    const parts = overallParts(compared)
    if (parts.length > 0) notes.push(`Overall: ${parts.join(', ')}. No regressions.`)
    else if (fixed.length > 0 || efficiencyNotes > 0) notes.push('No regressions.')
    else notes.push('Stable run: no regressions and no significant efficiency changes.')
  }
  return notes
}

function round(n: number): number {
  return Math.round(n * 10) / 10
}
