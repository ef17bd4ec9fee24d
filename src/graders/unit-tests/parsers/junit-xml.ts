import type { TestStatus } from '../types.ts'
import { findAll, parseXml } from './xml.ts'

/** One `<testcase>` of a JUnit-style report. */
export interface JUnitCase {
  name: string
  classname: string
  /** `file` attribute (pytest's `xunit1` family writes it). */
  file: string | undefined
  status: TestStatus
}

/**
 * The test cases of JUnit-style XML (pytest `--junitxml`, Maven surefire, ...). A case with
 * `<failure>` failed, with `<error>` errored, with `<skipped>` was skipped; otherwise it
 * passed, including surefire's flaky tests that only have `<flakyFailure>`/`<flakyError>`
 * (they passed on a rerun).
 */
export function junitCases(xml: string): JUnitCase[] {
  return findAll(parseXml(xml), 'testcase').map((testcase) => {
    const kinds = new Set(testcase.children.map((child) => child.name))
    const status: TestStatus = kinds.has('error')
      ? 'error'
      : kinds.has('failure')
        ? 'failed'
        : kinds.has('skipped')
          ? 'skipped'
          : 'passed'
    return {
      name: testcase.attributes.name ?? '',
      classname: testcase.attributes.classname ?? '',
      file: testcase.attributes.file,
      status,
    }
  })
}
