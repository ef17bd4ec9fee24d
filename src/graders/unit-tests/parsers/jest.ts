import type { TestOutputParser } from '../types.ts'
import { findJestReport, jestReportTests } from './jest-format.ts'
import { nothing, plainLines, reportsEnding } from './text.ts'

/**
 * jest. Reads the JSON report (`--json --outputFile=...`, the default command, or `--json`
 * to stdout); without one, the closing `Tests: 1 failed, 4 passed, 5 total` line. Errors
 * are `numRuntimeErrorTestSuites` (test files that failed to run).
 *
 * Test ids are the `describe` titles and the test title joined with ` > `
 * (`math > nested > adds zero`).
 */
export const parseJest: TestOutputParser = (output, files) => {
  const report = findJestReport(output, reportsEnding(files, '.json'))
  if (report) return jestReportTests(report, report.numRuntimeErrorTestSuites)
  const line = plainLines(output).findLast((text) => /^Tests:\s+.*\d+ total$/.test(text.trim()))
  if (!line) return nothing()
  const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0)
  return {
    counts: {
      passed: count('passed'),
      failed: count('failed'),
      skipped: count('skipped') + count('todo'),
      errors: 0,
    },
    tests: [],
  }
}
