import { caseKey } from '../store/baseline.ts'
import type { NotRunEntry, RunFile, TestEntry } from '../store/schema.ts'
import { fisherExact } from './fisher.ts'

/**
 * How a case that ran now stands against its baseline (a blessed baseline file, or the
 * previous run): the one classification the comparison and the gate share.
 * - `regressed`: passed in the baseline, fails now (with repeats: a significant drop).
 * - `still-failing`: failed in the baseline and fails now (every run, both times).
 * - `new-failure`: not in the baseline; every run fails now.
 * - `fixed`: failed in the baseline, passes now (with repeats: a significant rise).
 * - `flaky`: repeats that disagree (mixed results in either run), or a change in pass count
 *   too small to be significant.
 * - `added`: not in the baseline; every run passes now.
 * - `passing`: passed in the baseline and passes now (shown as "unchanged").
 */
export type Outcome = 'regressed' | 'still-failing' | 'new-failure' | 'fixed' | 'flaky' | 'added' | 'passing'

/** Every outcome, in reading order: failures first. */
export const OUTCOMES: readonly Outcome[] = [
  'regressed',
  'still-failing',
  'new-failure',
  'flaky',
  'fixed',
  'added',
  'passing',
]

/** The outcomes that can fail a gate (its `failOn`). */
export const GATE_FAIL_ON = [
  'regressed',
  'still-failing',
  'new-failure',
  'flaky',
] as const satisfies Outcome[]

/** An outcome that fails the gate when `failOn` lists it. */
export type GateFailOn = (typeof GATE_FAIL_ON)[number]

/**
 * A case of the comparison: an {@link Outcome} when it ran now; `removed` when only the
 * baseline has it and the run finished; `not_run` when the run recorded it as skipped, todo
 * or not run (or had not reached it before it stopped). `removed` and `not_run` are never
 * judged by the gate.
 */
export type CaseStatus = Outcome | 'removed' | 'not_run'

/** The default significance level of the Fisher test for repeated cases. */
export const DEFAULT_ALPHA = 0.05

/** How often a case passed in one run: `passed` of `runs` (its repeats; 1 without repeats). */
export interface PassCount {
  passed: number
  runs: number
}

const mixed = (c: PassCount) => c.passed > 0 && c.passed < c.runs
const rate = (c: PassCount) => (c.runs === 0 ? 0 : c.passed / c.runs)

/**
 * Classifies one case from its pass counts. A case run once on both sides is judged by
 * pass/fail. A case with repeats on either side is judged by a one-sided Fisher exact test
 * over its repeats: a drop with p < `alpha` is `regressed`, a rise with p < `alpha` is
 * `fixed`; otherwise every run failing both times is `still-failing`, every run passing both
 * times `passing`, anything else `flaky`. `p` is given whenever the test was made.
 */
export function classify(
  before: PassCount | null,
  after: PassCount,
  alpha: number = DEFAULT_ALPHA,
): { outcome: Outcome; p?: number } {
  if (!before) {
    if (after.passed === 0) return { outcome: 'new-failure' }
    return { outcome: mixed(after) ? 'flaky' : 'added' }
  }
  if (before.runs === 1 && after.runs === 1) {
    if (before.passed > after.passed) return { outcome: 'regressed' }
    if (before.passed < after.passed) return { outcome: 'fixed' }
    return { outcome: after.passed === 0 ? 'still-failing' : 'passing' }
  }
  const table = [
    [before.passed, before.runs - before.passed],
    [after.passed, after.runs - after.passed],
  ] as const
  const rose = rate(after) > rate(before)
  const p = fisherExact(table, rose ? 'less' : 'greater')
  if (rate(after) < rate(before) && p < alpha) return { outcome: 'regressed', p }
  if (rose && p < alpha) return { outcome: 'fixed', p }
  if (before.passed === 0 && after.passed === 0) return { outcome: 'still-failing', p }
  if (before.passed === before.runs && after.passed === after.runs) return { outcome: 'passing', p }
  return { outcome: 'flaky', p }
}

/** One case of a run: its entries (its repeats, in run order). */
interface CaseEntries {
  key: string
  suite: string
  /** The case name without the repeat suffix (`case_name`, else the test name). */
  name: string
  entries: TestEntry[]
}

/** A run's entries folded into cases (suite + case name); insertion order is kept. */
function foldCases(tests: readonly TestEntry[]): Map<string, CaseEntries> {
  const cases = new Map<string, CaseEntries>()
  for (const test of tests) {
    const key = caseKey(test)
    const found = cases.get(key)
    if (found) found.entries.push(test)
    else cases.set(key, { key, suite: test.suite, name: test.case_name ?? test.name, entries: [test] })
  }
  return cases
}

/** The pass count of a case's entries. */
export function passCount(entries: readonly TestEntry[]): PassCount {
  return { passed: entries.filter((t) => t.passed).length, runs: entries.length }
}

/** One case of {@link classifyRuns}: its status and its entries on each side. */
export interface ClassifiedCase {
  /** `suite › case`, or the case name when the suite is empty (the later run's, when it ran). */
  key: string
  suite: string
  name: string
  status: CaseStatus
  /** The case's entries in the baseline; empty when it has none. */
  before: TestEntry[]
  /** The case's entries now; empty for `removed` and `not_run`. */
  after: TestEntry[]
  /** The Fisher p-value, for a case with repeats on either side (see {@link classify}). */
  p?: number
  /** For `not_run`: how the later run recorded the case, and why. */
  not_run?: { status: NotRunEntry['status']; reason?: string }
}

/**
 * Matches the baseline's cases to the later run's: by key, else by name alone where one side
 * has no suite (files from tools that leave `suite` empty) and exactly one case fits.
 */
function matcher(before: Map<string, CaseEntries>) {
  const pending = new Map(before)
  const byName = new Map<string, string[]>()
  for (const [key, c] of before) byName.set(c.name, [...(byName.get(c.name) ?? []), key])
  return {
    pending,
    take(key: string, item: { name: string; suite: string }): CaseEntries | undefined {
      const exact = pending.get(key)
      if (exact) {
        pending.delete(key)
        return exact
      }
      const loose = (byName.get(item.name) ?? []).filter((k) => {
        const c = pending.get(k)
        return c !== undefined && (c.suite === '' || item.suite === '')
      })
      if (loose.length !== 1) return undefined
      const found = pending.get(loose[0]!)
      pending.delete(loose[0]!)
      return found
    },
  }
}

/**
 * Classifies every case of two runs, repeats folded together: the cases that ran now (each
 * with its {@link Outcome}), then those recorded as not run now, then those only the
 * baseline has (`removed`, or `not_run` when the later run did not finish). Pure.
 */
export function classifyRuns(
  before: Pick<RunFile, 'tests'>,
  after: Pick<RunFile, 'tests' | 'not_run' | '_partial'>,
  alpha: number = DEFAULT_ALPHA,
): ClassifiedCase[] {
  const match = matcher(foldCases(before.tests))
  const cases: ClassifiedCase[] = []
  const ran = foldCases(after.tests)
  for (const c of ran.values()) {
    const previous = match.take(c.key, c)
    const judged = classify(previous ? passCount(previous.entries) : null, passCount(c.entries), alpha)
    cases.push({
      key: c.key,
      suite: c.suite,
      name: c.name,
      status: judged.outcome,
      before: previous?.entries ?? [],
      after: c.entries,
      ...(judged.p !== undefined && { p: judged.p }),
    })
  }
  const notRun = new Set<string>()
  for (const item of after.not_run ?? []) {
    const key = item.suite ? `${item.suite} › ${item.name}` : item.name
    if (ran.has(key) || notRun.has(key)) continue
    notRun.add(key)
    const previous = match.take(key, item)
    cases.push({
      key,
      suite: item.suite,
      name: item.name,
      status: 'not_run',
      before: previous?.entries ?? [],
      after: [],
      not_run:
        item.reason === undefined ? { status: item.status } : { status: item.status, reason: item.reason },
    })
  }
  // An unfinished run simply had not reached these cases: that says nothing about them.
  const unfinished = after._partial === true
  for (const previous of match.pending.values()) {
    cases.push({
      key: previous.key,
      suite: previous.suite,
      name: previous.name,
      status: unfinished ? 'not_run' : 'removed',
      before: previous.entries,
      after: [],
      ...(unfinished && { not_run: { status: 'not_run' as const, reason: 'the run did not finish' } }),
    })
  }
  return cases
}
