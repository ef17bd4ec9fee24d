import { describe, expect, test } from 'vitest'
import { parsePytest } from './parsers/pytest.ts'
import { checkReport } from './report-check.ts'
import type { ParsedTests } from './types.ts'

const junit = (names: string[]) =>
  `<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" tests="${names.length}">${names
    .map((name) => `<testcase classname="tests.test_calc" name="${name}" file="tests/test_calc.py" />`)
    .join('')}</testsuite></testsuites>`
const report = (names: string[]): ParsedTests => parsePytest('', { 'r.xml': junit(names) })
const printed = (summary: string) => parsePytest(`${summary}\n`)
const collected = { perFile: { 'tests/test_calc.py': 3 }, errored: [] }

describe('checkReport', () => {
  test('a report that agrees with the printed summary and the collection is trusted', () => {
    const facts = {
      framework: 'pytest' as const,
      report: report(['test_add', 'test_sub', 'test_mul']),
      printed: printed('============ 3 passed in 0.02s ============'),
      collected,
    }
    expect(checkReport(facts)).toBeUndefined()
  })

  test('a report with no closing summary printed is refused (the runner was stopped early)', () => {
    const reason = checkReport({
      framework: 'pytest',
      report: report(['test_add', 'test_sub', 'test_mul']),
      printed: printed('...'),
      collected,
    })
    expect(reason).toBe(
      'the report says 3 passed, 0 failed, but pytest printed no closing summary, so the run did not end normally and the report may have been written by the code under test',
    )
  })

  test('more passes in the report than in the printed summary are refused', () => {
    const reason = checkReport({
      framework: 'pytest',
      report: report(['test_add', 'test_sub', 'test_mul']),
      printed: printed('======= 2 failed, 1 passed in 0.02s ======='),
      collected,
    })
    expect(reason).toBe("the report says 3 passed but pytest's printed summary says 1")
  })

  test('a file count that differs from the clean collection is refused, naming the file', () => {
    const forged = report(['test_add', 'test_sub', 'test_mul', 'test_extra'])
    const reason = checkReport({
      framework: 'pytest',
      report: forged,
      printed: printed('4 passed in 0.01s'),
      collected,
    })
    expect(reason).toBe(
      "the report's tests do not match the tests pytest collected from the clean fixture before the patch (tests/test_calc.py: 4 in the report, 3 collected)",
    )
    // Files that failed to import on the clean fixture, and untrusted files the agent
    // changed, are not compared.
    const skipped = { framework: 'pytest' as const, report: forged, printed: printed('4 passed in 0.01s') }
    expect(
      checkReport({ ...skipped, collected: { perFile: {}, errored: ['tests/test_calc.py'] } }),
    ).toBeUndefined()
    expect(checkReport({ ...skipped, collected, agentFiles: ['tests/test_calc.py'] })).toBeUndefined()
  })
})
