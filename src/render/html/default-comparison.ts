import { commentary } from '../../compare/commentary.ts'
import { compareRuns } from '../../compare/compare-runs.ts'
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

function firstCase(after: ReportRun, regressed: readonly string[]): string | null {
  const keys = new Set(after.cases.map((c) => c.key))
  const regression = regressed.find((key) => keys.has(key))
  if (regression) return regression
  return (after.cases.find((c) => c.status === 'FAIL') ?? after.cases[0])?.key ?? null
}

/**
 * The comparison the side-by-side view opens with: `after` against `before` (or alone when
 * `before` is absent), the case to show first, and the takeaways of `commentary`. Pure.
 */
export function reportComparison(
  after: { view: ReportRun; run: RunFile },
  before: { view: ReportRun; run: RunFile } | undefined,
): ReportComparison {
  if (!before) {
    return { before: null, after: after.view.file, caseKey: firstCase(after.view, []), commentary: [] }
  }
  const comparison = compareRuns(before.run, after.run, {
    beforeFile: before.view.file,
    afterFile: after.view.file,
  })
  const regressed = comparison.deltas.filter((d) => d.status === 'regressed').map((d) => d.key)
  return {
    before: before.view.file,
    after: after.view.file,
    caseKey: firstCase(after.view, regressed),
    commentary: commentary(comparison),
  }
}
