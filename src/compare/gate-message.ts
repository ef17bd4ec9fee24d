import type { PassCount } from './case-outcomes.ts'
import type { CaseVerdict, GateResult } from './types.ts'

type Counted = Pick<GateResult, 'ok' | 'regressed' | 'flaky' | 'improved' | 'newFailures' | 'alpha' | 'cases'>

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** `p=0.004`, or `p<0.001` for smaller values. */
export function formatP(p: number): string {
  return p < 0.001 ? 'p<0.001' : `p=${p.toFixed(3)}`
}

function count(c: PassCount): string {
  return `${c.passed}/${c.runs}`
}

/** `5/5 → 0/5 (p=0.004)`; a new case shows its one count. */
export function formatCounts(c: Pick<CaseVerdict, 'before' | 'after' | 'p'>): string {
  const counts = c.before ? `${count(c.before)} → ${count(c.after)}` : `new, ${count(c.after)} passed`
  return c.p === undefined ? counts : `${counts} (${formatP(c.p)})`
}

/** One line: `Eval gate failed (e2e): 1 case regressed`. */
export function gateTitle(r: Counted, context: { tier: string; failOnNew: boolean }): string {
  const decided: string[] = []
  if (r.regressed.length > 0) decided.push(`${plural(r.regressed.length, 'case')} regressed`)
  if (context.failOnNew && r.newFailures.length > 0)
    decided.push(`${plural(r.newFailures.length, 'new case')} failing`)
  if (!r.ok) return `Eval gate failed (${context.tier}): ${decided.join(', ')}`
  const notes = [r.flaky.length > 0 ? `${r.flaky.length} flaky` : '', decided.join(', ')].filter(Boolean)
  const what = r.regressed.length === 0 ? 'no regressions' : 'regressions not gated'
  return `Eval gate passed (${context.tier}): ${what}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`
}

function section(title: string, cases: CaseVerdict[]): string[] {
  if (cases.length === 0) return []
  return [`${title} (${cases.length}):`, ...cases.map((c) => `  ${c.key}: ${formatCounts(c)}`)]
}

/**
 * The cases worth reading, regressions first: regressed, new failures, flaky (with why they
 * do not fail the gate), improved; a last line says how many cases were judged. Pure.
 */
export function gateMessage(r: Counted, context: { failOnNew: boolean }): string {
  const lines = [
    ...section('Regressed', r.regressed),
    ...section(context.failOnNew ? 'New and failing' : 'New and failing (not gated)', r.newFailures),
    ...section(`Flaky: mixed results, or a change not significant at alpha ${r.alpha} (not gated)`, r.flaky),
    ...section('Improved', r.improved),
  ]
  if (lines.length === 0) lines.push(r.cases === 0 ? 'No cases ran.' : 'No case changed.')
  lines.push(`${plural(r.cases, 'case')} judged; single runs by pass/fail, repeats by Fisher's exact test.`)
  return lines.join('\n')
}
