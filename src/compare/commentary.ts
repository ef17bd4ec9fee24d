import { failureReason } from './failure-reason.ts'
import type { Comparison, TestDelta, TestSnapshot } from './types.ts'

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

function byLabel(a: TestDelta, b: TestDelta): number {
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

function efficiency(before: TestSnapshot, after: TestSnapshot): string[] {
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

function overallParts(compared: TestDelta[]): string[] {
  if (compared.length < OVERALL_MIN_TESTS) return []
  const sum = (pick: (s: TestSnapshot) => number | undefined, side: 'before' | 'after') =>
    compared.reduce((total, d) => total + (pick(d[side]!) ?? 0), 0)
  const parts: string[] = []
  // Each measure also needs an absolute move, so a 5 ms → 6 ms run is not "20% slower".
  const measures: Array<[(s: TestSnapshot) => number | undefined, string, string, number]> = [
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

/**
 * Plain-language takeaways from a comparison: regressions first (with the failure's exit
 * reason and error when known), then fixes, tests that were not compared, efficiency changes
 * of tests that passed both times, and one overall line. Pure and deterministic.
 */
export function commentary(c: Comparison): string[] {
  const notes: string[] = []
  const group = (status: TestDelta['status_change']) =>
    c.deltas.filter((d) => d.status_change === status).sort(byLabel)

  const regressions = group('regressed')
  for (const d of regressions) {
    const why = d.after ? failureReason(d.after) : undefined
    notes.push(`REGRESSION: "${d.label}" was passing, now fails${why ? ` — ${why}` : ''}.`)
  }
  for (const d of c.deltas.filter((delta) => delta.budget).sort(byLabel)) {
    const overs = d.budget!.map(
      (o) => `${o.after} ${o.measure}, ${(o.after / o.before).toFixed(1)}× the previous ${o.before}`,
    )
    notes.push(`BUDGET: "${d.label}" used ${overs.join(' and ')} (limit ${c.budget_factor}×).`)
  }
  const fixed = group('improved')
  for (const d of fixed) notes.push(`Fixed: "${d.label}" now passes.`)

  const skipped = group('not_run').filter((d) => d.before !== null)
  if (skipped.length > 0) {
    const names = quoted(skipped.map((d) => d.label))
    notes.push(`Not compared: ${names} ran before but not this time.`)
  }
  const removed = group('removed')
  if (removed.length > 0) notes.push(`Removed: ${quoted(removed.map((d) => d.label))} no longer in the run.`)
  const added = group('added')
  const addedFailing = added.filter((d) => d.after && !d.after.passed)
  if (added.length > 0) {
    const failing = addedFailing.length > 0 ? `; failing: ${quoted(addedFailing.map((d) => d.label))}` : ''
    notes.push(`New: ${plural(added.length, 'test')} without a previous result${failing}.`)
  }

  let efficiencyNotes = 0
  for (const d of group('unchanged')) {
    if (!d.before?.passed || !d.after?.passed) continue
    const insights = efficiency(d.before, d.after)
    if (insights.length === 0) continue
    efficiencyNotes++
    notes.push(`"${d.label}": ${insights.join(', ')}.`)
  }

  const compared = c.deltas.filter((d) => d.before !== null && d.after !== null)
  if (compared.length === 0) {
    notes.push('No test ran in both runs, so nothing could be compared.')
  } else if (regressions.length > 0) {
    const fixes = fixed.length > 0 ? `, ${fixed.length} fixed` : ''
    notes.push(
      `Overall: ${regressions.length} regressed${fixes} out of ${plural(compared.length, 'test')} compared.`,
    )
  } else {
    const parts = overallParts(compared)
    if (parts.length > 0) notes.push(`Overall: ${parts.join(', ')}. No regressions.`)
    else if (fixed.length > 0 || efficiencyNotes > 0) notes.push('No regressions.')
    else notes.push('Stable run: no regressions and no significant efficiency changes.')
  }
  return notes
}
