import { worse } from './parsers/text.ts'
import type { ParsedTest, TestStatus } from './types.ts'

/**
 * SWE-bench's verdict on a fix, from fail-to-pass (F2P: tests the fix must make pass) and
 * pass-to-pass (P2P: tests that passed before and must keep passing) lists:
 *
 * - `full`: every F2P test passes and every P2P test passes;
 * - `partial`: at least one F2P test passes but not all, and every P2P test passes;
 * - `no`: anything else (a P2P test fails, or no F2P test passes).
 *
 * A test passes only with status `passed`; failed, errored, skipped and missing tests
 * (ids the run never reported) do not. An empty list counts as all passing.
 */
export type Resolution = 'full' | 'partial' | 'no'

/** How one list fared. */
export interface ListOutcome {
  total: number
  /** Ids that passed. */
  passing: string[]
  /** Ids that did not pass, missing ones included. */
  failing: string[]
  /** Ids the run never reported (also in `failing`). */
  missing: string[]
}

/** The resolution and both lists' outcomes. */
export interface ResolutionReport {
  resolved: Resolution
  failToPass: ListOutcome
  passToPass: ListOutcome
}

/** Grades a run's tests against F2P / P2P lists. Pure. */
export function resolveTests(
  tests: readonly ParsedTest[],
  failToPass: readonly string[],
  passToPass: readonly string[],
): ResolutionReport {
  const statuses = new Map<string, TestStatus>()
  for (const test of tests) {
    const seen = statuses.get(test.name)
    statuses.set(test.name, seen ? worse(seen, test.status) : test.status)
  }
  const outcome = (ids: readonly string[]): ListOutcome => {
    const result: ListOutcome = { total: ids.length, passing: [], failing: [], missing: [] }
    for (const id of ids) {
      const status = statuses.get(id)
      if (status === undefined) result.missing.push(id)
      ;(status === 'passed' ? result.passing : result.failing).push(id)
    }
    return result
  }
  const f2p = outcome(failToPass)
  const p2p = outcome(passToPass)
  const allP2P = p2p.failing.length === 0
  const resolved: Resolution =
    allP2P && f2p.failing.length === 0 ? 'full' : allP2P && f2p.passing.length > 0 ? 'partial' : 'no'
  return { resolved, failToPass: f2p, passToPass: p2p }
}
