import type { ParsedTest, ParsedTests, TestCounts, TestOutputParser, TestStatus } from '../types.ts'
import { type JUnitCase, junitCases } from './junit-xml.ts'
import { plainLines, reportsEnding, tally } from './text.ts'
import { XmlParseError } from './xml.ts'

/**
 * pytest. With a JUnit XML report among `files` (the default command writes one with
 * `--junitxml`), counts and statuses come from it: a file pytest wrote is sturdier than
 * terminal text; a report that is not well-formed XML is not read (`reportError` says why).
 * Otherwise the terminal is read: counts from the closing summary line
 * (`== 1 failed, 6 passed, 1 skipped, 1 xfailed, 1 error in 0.57s ==`, or the `-q` form
 * without `=`), statuses from the `-rA` short summary (`PASSED tests/test_x.py::test_y`).
 *
 * Test ids are pytest node ids, `tests/test_x.py::TestClass::test_y[param]`. Counting:
 * xfailed tests are `skipped`, xpassed ones `passed`, deselected ones are not counted.
 */
export const parsePytest: TestOutputParser = (output, files) => {
  const reports = reportsEnding(files, '.xml')
  let reportError: string | undefined
  try {
    const tests = reports.flatMap((xml) => junitCases(xml).map(nodeIdOf))
    if (tests.length > 0 || reports.some((xml) => /<testsuite\b/.test(xml))) {
      return { counts: tally(tests), tests }
    }
  } catch (error) {
    if (!(error instanceof XmlParseError)) throw error
    reportError = error.message
  }
  const printed = parseTerminal(output)
  return reportError ? { ...printed, reportError } : printed
}

// `file` + the classname minus the module path (xunit1), else the classname split where
// its segments turn capitalised (pytest collects `Test*` classes by default).
function nodeIdOf(testcase: JUnitCase): ParsedTest {
  const segments = testcase.classname.split('.').filter(Boolean)
  let path: string
  let classes: string[]
  if (testcase.file) {
    path = testcase.file
    const module = path.replace(/\.py$/, '').split('/')
    const prefixLength = module.every((part, i) => segments[i] === part) ? module.length : 0
    classes = prefixLength > 0 ? segments.slice(prefixLength) : segments.filter((part) => /^[A-Z]/.test(part))
  } else {
    const firstClass = segments.findIndex((part) => /^[A-Z]/.test(part))
    const moduleParts = firstClass < 0 ? segments : segments.slice(0, firstClass)
    path = `${moduleParts.join('/')}.py`
    classes = firstClass < 0 ? [] : segments.slice(firstClass)
  }
  return { name: [path, ...classes, testcase.name].join('::'), status: testcase.status }
}

const SHORT_SUMMARY = /^=+ short test summary info =+$/
const OUTCOME = /^(PASSED|FAILED|ERROR|XFAIL|XPASS) (.+?)(?: - .*)?$/
const OUTCOME_STATUS: Record<string, TestStatus> = {
  PASSED: 'passed',
  XPASS: 'passed',
  FAILED: 'failed',
  ERROR: 'error',
  XFAIL: 'skipped',
}
// `== 1 failed, 2 passed in 0.12s ==`, `1 failed, 2 passed in 0.12s`, `== no tests ran in 0.01s ==`,
// and pytest 8's `... in 0.12s (0:00:00) ==`.
const FINAL = /^(?:=+ )?((?:\d+ [a-z]+(?:, )?)+|no tests ran) in [\d.]+s(?: \([^)]*\))?(?: =+)?$/

function parseTerminal(output: string): ParsedTests {
  const lines = plainLines(output)
  // Captured output of passing tests is printed above the short summary (with -rA), so
  // only the last short summary and the last closing line are pytest's own.
  const start = lines.findLastIndex((line) => SHORT_SUMMARY.test(line))
  const tests: ParsedTest[] = []
  if (start >= 0) {
    for (const line of lines.slice(start + 1)) {
      const match = OUTCOME.exec(line)
      if (match) tests.push({ name: match[2]!, status: OUTCOME_STATUS[match[1]!]! })
    }
  }
  const final = lines.findLast((line) => FINAL.test(line.trim()))
  return { counts: final === undefined ? undefined : countsOf(FINAL.exec(final.trim())![1]!), tests }
}

function countsOf(summary: string): TestCounts {
  const counts: TestCounts = { passed: 0, failed: 0, skipped: 0, errors: 0 }
  for (const [, number, word] of summary.matchAll(/(\d+) ([a-z]+)/g)) {
    const n = Number(number)
    if (word === 'passed' || word === 'xpassed') counts.passed += n
    else if (word === 'failed') counts.failed += n
    else if (word === 'skipped' || word === 'xfailed') counts.skipped += n
    else if (word === 'error' || word === 'errors') counts.errors += n
  }
  return counts
}
