import { describe, expect, test } from 'vitest'
import { resolveTests } from './resolution.ts'
import { type RunFacts, unitTestVerdict } from './verdict.ts'

const base: RunFacts = {
  label: 'pytest',
  exitCode: 0,
  signal: null,
  timedOut: false,
  timeoutMs: 1000,
  parsed: undefined,
  expectResults: false,
  resolution: undefined,
  tampered: [],
  emptyTestFiles: [],
  patch: 'applied',
}
const parsed = (passed: number, failed: number, errors = 0) => ({
  counts: { passed, failed, skipped: 0, errors },
  tests: [],
})

describe('unitTestVerdict', () => {
  test('score is passed / (passed + failed + errors) when counts agree with the exit code', () => {
    const verdict = unitTestVerdict({ ...base, exitCode: 1, parsed: parsed(3, 1) })
    expect(verdict).toMatchObject({ pass: false, score: 0.75 })
    expect(verdict.explanation).toBe('`pytest` exited with 1: 3 passed, 1 failed')
  })

  test('output that claims success cannot pass a command that exited 1: the exit code wins', () => {
    const verdict = unitTestVerdict({ ...base, exitCode: 1, parsed: parsed(5, 0) })
    expect(verdict).toMatchObject({ pass: false, score: 0 })
    expect(verdict.explanation).toContain(
      'its output reports no failures but it exited with 1; the exit code decides',
    )
  })

  test('exit 0 with reported failures does not pass: results and exit code disagree', () => {
    const verdict = unitTestVerdict({ ...base, parsed: parsed(2, 1) })
    expect(verdict).toMatchObject({ pass: false, score: 0 })
    expect(verdict.explanation).toContain(
      'its output reports failures but it exited with 0; results and exit code disagree, which does not pass',
    )
  })

  test('a refused report fails a run that would pass, and leaves a failing run as it is', () => {
    const refused = 'the report says 3 passed but pytest printed no closing summary'
    const forged = unitTestVerdict({ ...base, parsed: parsed(3, 0), refused })
    expect(forged).toMatchObject({ pass: false, score: 0, metadata: { refused } })
    expect(forged.explanation).toBe(
      `\`pytest\` exited with 0: 3 passed, 0 failed; results refused: ${refused}`,
    )
    const failing = unitTestVerdict({ ...base, exitCode: 1, parsed: parsed(3, 1), refused })
    expect(failing).toMatchObject({ pass: false, score: 0.75 })
    expect(failing.metadata).not.toHaveProperty('refused')
  })

  test('a default command whose report is missing does not pass, and says which runner wrote none', () => {
    const none = { counts: undefined, tests: [] }
    const cut = unitTestVerdict({ ...base, expectResults: true, parsed: none, reportMissing: 'pytest' })
    expect(cut).toMatchObject({ pass: false, score: 0 })
    expect(cut.explanation).toContain('pytest wrote no readable report: a run cut short')
  })

  test('without counts the exit code gives 1 or 0; a timeout fails', () => {
    expect(unitTestVerdict(base)).toMatchObject({ pass: true, score: 1 })
    const late = unitTestVerdict({ ...base, exitCode: null, signal: 'SIGKILL', timedOut: true })
    expect(late).toMatchObject({ pass: false, score: 0 })
    expect(late.explanation).toContain('timed out after 1000 ms')
  })

  test('exit 0 with no test run to a result does not pass', () => {
    const none = unitTestVerdict({ ...base, parsed: parsed(0, 0) })
    expect(none).toMatchObject({ pass: false, score: 0 })
    expect(none.explanation).toContain('no test ran to a result')
    // The default command's format is known: no result at all is a run cut short.
    const cut = unitTestVerdict({ ...base, expectResults: true, parsed: { counts: undefined, tests: [] } })
    expect(cut).toMatchObject({ pass: false, score: 0 })
    expect(cut.explanation).toContain('printed no test results')
  })

  test('a test file that reported no tests is an error: exit 0 and "all passed" do not pass', () => {
    const node = { ...base, label: 'node --test' }
    const cheat = unitTestVerdict({ ...node, parsed: parsed(0, 0), emptyTestFiles: ['test/calc.test.js'] })
    expect(cheat).toMatchObject({
      pass: false,
      score: 0,
      metadata: { counts: { passed: 0, failed: 0, errors: 1 }, emptyTestFiles: ['test/calc.test.js'] },
    })
    expect(cheat.explanation).toBe(
      '`node --test` exited with 0: 0 passed, 0 failed, 1 error; test file test/calc.test.js reported no tests: ' +
        'it was run but none of its tests were (the process ended first, as when the code under test calls ' +
        'process.exit), which counts as an error and does not pass',
    )
    // Other files' passing tests do not make up for it.
    const partial = unitTestVerdict({
      ...node,
      parsed: parsed(3, 0),
      emptyTestFiles: ['a.test.js', 'b.test.js'],
    })
    expect(partial).toMatchObject({ pass: false, score: 0.6 })
    expect(partial.explanation).toContain('test files a.test.js, b.test.js reported no tests')
    expect(partial.explanation).not.toContain('exited with 0; the exit code decides')
  })

  test('with lists, pass needs resolved full and the score is the share of listed tests passing', () => {
    const tests = [
      { name: 'f1', status: 'passed' as const },
      { name: 'f2', status: 'failed' as const },
      { name: 'p1', status: 'passed' as const },
    ]
    const partial = unitTestVerdict({
      ...base,
      exitCode: 1,
      parsed: { counts: { passed: 2, failed: 1, skipped: 0, errors: 0 }, tests },
      resolution: resolveTests(tests, ['f1', 'f2'], ['p1']),
    })
    expect(partial).toMatchObject({ pass: false, score: 2 / 3, metadata: { resolved: 'partial' } })
    expect(partial.explanation).toContain(
      'resolved: partial (fail-to-pass: 1/2 pass, not passing: f2; pass-to-pass: 1/1 pass)',
    )
    const full = unitTestVerdict({ ...base, exitCode: 1, resolution: resolveTests(tests, ['f1'], ['p1']) })
    expect(full).toMatchObject({ pass: true, score: 1 })
    expect(full.explanation).toContain('resolved: full (unlisted tests fail, which the lists allow)')
  })

  test('tampering and a missing patch are reported', () => {
    const verdict = unitTestVerdict({
      ...base,
      patch: 'none',
      tampered: [{ path: 'tests/test_a.py', change: 'modified' }],
    })
    expect(verdict.explanation).toContain(
      'the agent changed test files, which were restored from the fixture (edits ignored): tests/test_a.py (modified)',
    )
    expect(verdict.explanation).toContain('no agent patch')
    expect(verdict.metadata).toMatchObject({ tampered: ['tests/test_a.py'], patch: 'none' })
  })
})
