import type { TestOutputParser } from '../types.ts'
import { findJestReport, jestReportTests } from './jest-format.ts'
import { nothing, plainLines, reportsEnding } from './text.ts'

/**
 * vitest. Reads the JSON report (`--reporter=json`, written to a file by the default
 * command's `--outputFile.json`, or printed to stdout); without one, the default
 * reporter's `Tests  1 failed | 4 passed | 1 skipped | 1 todo (7)` line. Test files that
 * failed to load (vitest's "Failed Suites") are errors.
 *
 * Test ids are the `describe` titles and the test title joined with ` > `, as vitest
 * prints them (`math > nested > adds zero`).
 */
export const parseVitest: TestOutputParser = (output, files) => {
  const report = findJestReport(output, reportsEnding(files, '.json'))
  if (report) return jestReportTests(report)
  const line = plainLines(output).findLast((text) => /^Tests\s+.*\(\d+\)$/.test(text.trim()))
  if (!line) return nothing()
  const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0)
  const failedSuites = plainLines(output)
    .map((text) => /Failed Suites (\d+)/.exec(text)?.[1])
    .findLast((n) => n !== undefined)
  return {
    counts: {
      passed: count('passed'),
      failed: count('failed'),
      skipped: count('skipped') + count('todo'),
      errors: Number(failedSuites ?? 0),
    },
    tests: [],
  }
}
