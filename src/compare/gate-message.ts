import type { GateFailOn, PassCount } from './classify.ts'
import type { CaseVerdict, GateResult } from './types.ts'

type Counted = Pick<
  GateResult,
  'ok' | 'failOn' | 'regressed' | 'stillFailing' | 'newFailures' | 'flaky' | 'fixed' | 'alpha' | 'cases'
>

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

/** The gateable outcomes with their cases and how the title counts them, in reading order. */
function gateable(r: Counted): Array<{ outcome: GateFailOn; cases: CaseVerdict[]; counted: string }> {
  return [
    { outcome: 'regressed', cases: r.regressed, counted: `${plural(r.regressed.length, 'case')} regressed` },
    {
      outcome: 'still-failing',
      cases: r.stillFailing,
      counted: `${plural(r.stillFailing.length, 'case')} still failing`,
    },
    {
      outcome: 'new-failure',
      cases: r.newFailures,
      counted: `${plural(r.newFailures.length, 'new case')} failing`,
    },
    { outcome: 'flaky', cases: r.flaky, counted: `${plural(r.flaky.length, 'case')} flaky` },
  ]
}

/**
 * One line: `Eval gate failed (e2e): 1 case regressed, 1 case still failing`; a passing gate
 * says `no regressions` and counts what it let through (`1 flaky; 1 case still failing, not
 * gated`).
 */
export function gateTitle(r: Counted, tier: string): string {
  const found = gateable(r).filter((g) => g.cases.length > 0)
  const gated = found.filter((g) => r.failOn.includes(g.outcome))
  if (!r.ok) return `Eval gate failed (${tier}): ${gated.map((g) => g.counted).join(', ')}`
  const notes = found.map((g) =>
    g.outcome === 'flaky' ? `${g.cases.length} flaky` : `${g.counted}, not gated`,
  )
  const what = r.regressed.length === 0 ? 'no regressions' : 'regressions not gated'
  return `Eval gate passed (${tier}): ${what}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`
}

function section(title: string, cases: CaseVerdict[]): string[] {
  if (cases.length === 0) return []
  return [`${title} (${cases.length}):`, ...cases.map((c) => `  ${c.key}: ${formatCounts(c)}`)]
}

/**
 * The cases worth reading, failures first: regressed, still failing, new and failing, flaky
 * (each marked "not gated" when `failOn` leaves it out), fixed; a last line says how many
 * cases were judged. Pure.
 */
export function gateMessage(r: Counted): string {
  const titles: Record<GateFailOn, string> = {
    regressed: 'Regressed',
    'still-failing': 'Still failing',
    'new-failure': 'New and failing',
    flaky: `Flaky: mixed results, or a change not significant at alpha ${r.alpha}`,
  }
  const lines = [
    ...gateable(r).flatMap((g) =>
      section(`${titles[g.outcome]}${r.failOn.includes(g.outcome) ? '' : ' (not gated)'}`, g.cases),
    ),
    ...section('Fixed', r.fixed),
  ]
  if (lines.length === 0) lines.push(r.cases === 0 ? 'No cases ran.' : 'No case changed.')
  lines.push(`${plural(r.cases, 'case')} judged; single runs by pass/fail, repeats by Fisher's exact test.`)
  return lines.join('\n')
}
