import type { TestEntry } from '../store/schema.ts'

/** How often a case passed in one run: `passed` of `runs` (its repeats; 1 without repeats). */
export interface PassCount {
  passed: number
  runs: number
}

/** The results of one case in one run, its repeats folded together. */
export interface CaseOutcome extends PassCount {
  /** `suite › case`, or the case name when the suite is empty. */
  key: string
  suite: string
  /** The case name without the repeat suffix (`case_name`, else the test name). */
  name: string
  /** Eval file and line of the first entry seen, for annotations. */
  file?: string
  line?: number
}

/** The identity repeats of one case share: suite plus `case_name` (else the test name). */
export function caseKey(test: Pick<TestEntry, 'suite' | 'name' | 'case_name'>): string {
  const name = test.case_name ?? test.name
  return test.suite ? `${test.suite} › ${name}` : name
}

/**
 * Folds a run's test entries into one outcome per case (suite + case name), counting passes
 * over its repeats. Entries without repeat fields are cases run once; two entries with the
 * same suite and name are counted as two runs of one case. Insertion order is kept.
 */
export function caseOutcomes(tests: readonly TestEntry[]): Map<string, CaseOutcome> {
  const cases = new Map<string, CaseOutcome>()
  for (const test of tests) {
    const key = caseKey(test)
    let outcome = cases.get(key)
    if (!outcome) {
      outcome = { key, suite: test.suite, name: test.case_name ?? test.name, passed: 0, runs: 0 }
      if (test.file !== undefined) outcome.file = test.file
      if (test.line !== undefined) outcome.line = test.line
      cases.set(key, outcome)
    }
    outcome.runs++
    if (test.passed) outcome.passed++
  }
  return cases
}
