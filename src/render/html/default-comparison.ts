import type { CaseStatus } from '../../compare/classify.ts'
import { commentary } from '../../compare/commentary.ts'
import { compareRuns } from '../../compare/compare-runs.ts'
import type { CaseDelta } from '../../compare/types.ts'
import { pickPreviousRun, type RunSummary } from '../../store/read-results.ts'
import type { RunFile } from '../../store/schema.ts'
import type { ReportComparison, ReportRun } from './types.ts'

/**
 * The earlier run of the side-by-side view for `after`: its previous finalized run of the same
 * tier (same branch preferred), as `evalbox compare` picks it. Pure.
 */
export function previousOf(after: RunSummary, runs: readonly RunSummary[]): RunSummary | undefined {
  return pickPreviousRun(runs, {
    tier: after.tier,
    branch: after.branch,
    exclude: [after.path],
    olderThan: after.timestamp,
  })
}

/** How soon a change shows in the side-by-side view: regressions first, then the other changes. */
const CHANGE_ORDER: readonly CaseStatus[] = ['regressed', 'new-failure', 'flaky', 'fixed', 'added', 'not_run']

/**
 * The case the view opens on: the first that changed (regressed, newly failing, flaky, fixed, added, not run,
 * then one whose turns or tool calls grew past the budget factor), else the first failing one,
 * else the first. Never the alphabetically first case when another one changed.
 */
function firstCase(after: ReportRun, deltas: readonly CaseDelta[]): string | null {
  const keys = new Set(after.cases.map((c) => c.key))
  const present = deltas.filter((d) => keys.has(d.key))
  for (const change of CHANGE_ORDER) {
    const found = present.find((d) => d.status === change)
    if (found) return found.key
  }
  const overrun = present.find((d) => d.budget && d.budget.length > 0)
  if (overrun) return overrun.key
  return (after.cases.find((c) => c.status === 'FAIL') ?? after.cases[0])?.key ?? null
}

/** What a case's delta says: it changed (any status but still passing or still failing, or a budget overrun). */
function changed(delta: CaseDelta): boolean {
  return (delta.status !== 'passing' && delta.status !== 'still-failing') || (delta.budget?.length ?? 0) > 0
}

/** The comparison the view opens with, and the keys of the cases that changed in it. */
export interface PairComparison {
  comparison: ReportComparison
  /** Keys of the cases that changed (see `CaseDelta.key`), for the report's detail budget. */
  changed: ReadonlySet<string>
}

/**
 * The comparison the side-by-side view opens with: `after` against `before` (or alone when
 * `before` is absent), the case to show first, and the takeaways of `commentary`. The cases
 * are compared with `baseline` when given — each case's last run (see `findBaseline`), so a
 * filtered `before` does not make the rest "added" — else with `before`. Pure.
 */
export function reportComparison(
  after: { view: ReportRun; run: RunFile },
  before: { view: ReportRun; run: RunFile } | undefined,
  baseline?: RunFile,
): PairComparison {
  if (!before) {
    const comparison = {
      before: null,
      after: after.view.file,
      caseKey: firstCase(after.view, []),
      commentary: [],
    }
    return { comparison, changed: new Set() }
  }
  const compared = compareRuns(baseline ?? before.run, after.run, {
    beforeFile: before.view.file,
    afterFile: after.view.file,
  })
  const comparison = {
    before: before.view.file,
    after: after.view.file,
    caseKey: firstCase(after.view, compared.deltas),
    commentary: commentary(compared),
  }
  return { comparison, changed: new Set(compared.deltas.filter(changed).map((d) => d.key)) }
}
