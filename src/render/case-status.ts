import type { CaseStatus } from '../compare/classify.ts'
import { formatP } from '../compare/gate-message.ts'
import type { CaseDelta, CaseSide } from '../compare/types.ts'

/** How each case status reads, in reading order (failures first), for every renderer. */
export const STATUS_VIEW: ReadonlyArray<{ status: CaseStatus; title: string; arrow: string; word: string }> =
  [
    { status: 'regressed', title: 'Regressed', arrow: '↓', word: 'regressed' },
    { status: 'still-failing', title: 'Still failing', arrow: '✗', word: 'still failing' },
    { status: 'new-failure', title: 'New failures', arrow: '✗', word: 'new failing' },
    { status: 'flaky', title: 'Flaky', arrow: '~', word: 'flaky' },
    { status: 'fixed', title: 'Fixed', arrow: '↑', word: 'fixed' },
    { status: 'passing', title: 'Unchanged', arrow: '=', word: 'unchanged' },
    { status: 'added', title: 'Added', arrow: '+', word: 'added' },
    { status: 'removed', title: 'Removed', arrow: '-', word: 'removed' },
    { status: 'not_run', title: 'Not run', arrow: '·', word: 'not run' },
  ]

export function viewOf(status: CaseStatus): (typeof STATUS_VIEW)[number] {
  return STATUS_VIEW.find((v) => v.status === status)!
}

/** Whether a case ran more than once on either side (then its sides read as pass counts). */
export function repeated(d: CaseDelta): boolean {
  return (d.before?.runs ?? 1) > 1 || (d.after?.runs ?? 1) > 1
}

/**
 * One side of a case: `PASS`/`FAIL` for a single run, `3/5` for repeats, `—` when absent, or
 * how the later run recorded a case it did not run (`SKIP`, `TODO`, `NOT RUN`).
 */
export function sideWord(side: CaseSide | null, d: CaseDelta, isAfter: boolean): string {
  if (side) return repeated(d) ? `${side.passed}/${side.runs}` : side.passed === 1 ? 'PASS' : 'FAIL'
  if (isAfter && d.not_run) return { skipped: 'SKIP', todo: 'TODO', not_run: 'NOT RUN' }[d.not_run.status]
  return '—'
}

/** The Fisher p-value of a repeated case, ` (p=0.222)`; empty otherwise. */
export function pNote(d: CaseDelta): string {
  return d.p === undefined ? '' : ` (${formatP(d.p)})`
}
