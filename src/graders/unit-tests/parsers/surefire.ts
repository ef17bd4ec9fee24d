import type { ParsedTests, TestOutputParser } from '../types.ts'
import { junitCases } from './junit-xml.ts'
import { nothing, plainLines, reportsEnding, tally } from './text.ts'
import { XmlParseError } from './xml.ts'

const SUMMARY = /Tests run: (\d+), Failures: (\d+), Errors: (\d+), Skipped: (\d+)\s*$/

/**
 * Maven surefire. Reads the XML reports (`target/surefire-reports/TEST-*.xml`, which the
 * grader copies out of the verifier after the run); without them, the `Tests run: N,
 * Failures: F, Errors: E, Skipped: S` line after each module's `Results:` heading (summed
 * over modules; the per-class lines above it, and anything tests print, are not read), also
 * when a report is not well-formed XML (`reportError` says why: the reports are all or nothing).
 *
 * Test ids are `fully.qualified.Class#method`, the form `-Dtest=` takes. Flaky tests that
 * passed on a rerun count as passed.
 */
export const parseSurefire: TestOutputParser = (output, files) => {
  const reports = reportsEnding(files, '.xml')
  try {
    if (reports.length > 0) {
      const tests = reports.flatMap((xml) =>
        junitCases(xml).map((testcase) => ({
          name: testcase.classname ? `${testcase.classname}#${testcase.name}` : testcase.name,
          status: testcase.status,
        })),
      )
      return { counts: tally(tests), tests }
    }
  } catch (error) {
    if (!(error instanceof XmlParseError)) throw error
    return { ...parseConsole(output), reportError: error.message }
  }
  return parseConsole(output)
}

function parseConsole(output: string): ParsedTests {
  const lines = plainLines(output)
  let counts: ParsedTests['counts']
  let afterResults = false
  for (const line of lines) {
    if (/^\[\w+\] Results:\s*$/.test(line) || /^Results\s*:\s*$/.test(line)) {
      afterResults = true
      continue
    }
    const match = afterResults ? SUMMARY.exec(line) : null
    if (!match) continue
    afterResults = false
    const [run, failures, errors, skipped] = match.slice(1).map(Number) as [number, number, number, number]
    counts ??= { passed: 0, failed: 0, skipped: 0, errors: 0 }
    counts.passed += run - failures - errors - skipped
    counts.failed += failures
    counts.errors += errors
    counts.skipped += skipped
  }
  return counts ? { counts, tests: [] } : nothing()
}
