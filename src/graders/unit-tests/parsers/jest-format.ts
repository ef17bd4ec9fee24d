import type { ParsedTest, ParsedTests, TestCounts, TestStatus } from '../types.ts'

/** The JSON report shape jest writes with `--json` and vitest with `--reporter=json`. */
interface JestReport {
  numPassedTests?: number
  numFailedTests?: number
  numPendingTests?: number
  numTodoTests?: number
  numRuntimeErrorTestSuites?: number
  testResults?: {
    name?: string
    status?: string
    message?: string
    assertionResults?: { ancestorTitles?: string[]; title?: string; status?: string }[]
  }[]
}

const STATUS: Record<string, TestStatus> = {
  passed: 'passed',
  failed: 'failed',
  pending: 'skipped',
  skipped: 'skipped',
  todo: 'skipped',
  disabled: 'skipped',
  focused: 'passed',
}

/** Whether a parsed value looks like a jest-format report. */
function isReport(value: unknown): value is JestReport {
  return typeof value === 'object' && value !== null && 'numTotalTests' in value && 'testResults' in value
}

/**
 * The report among the report files, else the last line of the output that is a whole
 * report (`--json` / `--reporter=json` to stdout), else undefined.
 */
export function findJestReport(output: string, files: readonly string[]): JestReport | undefined {
  for (const text of [
    ...files,
    ...output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .reverse(),
  ]) {
    try {
      const value: unknown = JSON.parse(text)
      if (isReport(value)) return value
    } catch {}
  }
  return undefined
}

/**
 * Counts and statuses of a jest-format report. Counts use the report's own totals: passed,
 * failed, pending + todo as skipped; test files that failed to run (no failing test of
 * their own: a syntax error, a missing import) are errors, named by their path.
 */
export function jestReportTests(report: JestReport, runtimeErrors?: number): ParsedTests {
  const tests: ParsedTest[] = []
  let brokenFiles = 0
  for (const file of report.testResults ?? []) {
    const assertions = file.assertionResults ?? []
    for (const assertion of assertions) {
      tests.push({
        name: [...(assertion.ancestorTitles ?? []), assertion.title ?? ''].join(' > '),
        status: STATUS[assertion.status ?? ''] ?? 'error',
      })
    }
    if (file.status === 'failed' && !assertions.some((assertion) => assertion.status === 'failed')) {
      brokenFiles++
      tests.push({ name: file.name ?? '(test file)', status: 'error' })
    }
  }
  const counts: TestCounts = {
    passed: report.numPassedTests ?? 0,
    failed: report.numFailedTests ?? 0,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    errors: runtimeErrors ?? brokenFiles,
  }
  return { counts, tests }
}
