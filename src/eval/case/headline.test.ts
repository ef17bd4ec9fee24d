import { describe, expect, test } from 'vitest'
import type { Grade } from '../../graders/types.ts'
import { composeHeadline, failingTests, missingCommand, rootCause } from './headline.ts'

const names = (n: number) => Array.from({ length: n }, (_, i) => `tests/test_calc.py::test_case_${i + 1}`)
const unitGrade = (failing: string[], counts?: { failed: number; errors: number }): Grade => ({
  name: 'unit tests',
  score: 0,
  pass: false,
  explanation: `\`npm test\` exited with 1: 0 passed, ${failing.length} failed; the agent changed nothing: the tests ran on the clean fixture`,
  metadata: { failing, ...(counts && { counts: { passed: 0, skipped: 0, ...counts } }) },
})
const graded = { grades: [unitGrade(names(2))], gradesPass: false }

describe('rootCause: the precedence', () => {
  test('infrastructure before everything', () => {
    expect(
      rootCause({ infraError: 'docker: no space left\nmore', exitReason: 'timeout', timeoutMs: 5_000 }),
    ).toBe("infrastructure error (not the agent's fault): docker: no space left")
    expect(rootCause({ exitReason: 'sandbox_error', agentError: 'engine gone' })).toBe(
      "infrastructure error (not the agent's fault): engine gone",
    )
  })
  test('a timeout, with the budget and the turn', () => {
    expect(rootCause({ exitReason: 'timeout', timeoutMs: 1_500, timeoutAtTurn: 3 })).toBe(
      'agent timed out after 1.5s at turn 3',
    )
    expect(rootCause({ runner: 'task', exitReason: 'timeout', timeoutMs: 300 })).toBe(
      'task timed out after 300 ms',
    )
  })
  test('a budget stop names the budget', () => {
    expect(
      rootCause({
        exitReason: 'error_max_turns',
        agentError: 'stopped at turn 3: the agent went past maxTurns (2)',
      }),
    ).toBe('budget stop (maxTurns): stopped at turn 3: the agent went past maxTurns (2)')
    expect(rootCause({ exitReason: 'error_max_budget' })).toBe(
      'budget stop (maxCostUsd): the agent reported error_max_budget',
    )
  })
  test('exit codes, with a hint for 127 and 126 from the last lines of the log', () => {
    expect(
      rootCause({
        exitReason: 'exit_code_127',
        agentError: 'evalbox: cannot run "claud": command not found\n',
      }),
    ).toBe('agent command not found: claud (exit 127)')
    expect(
      rootCause({ exitReason: 'exit_code_127', agentError: 'booting\nsh: 1: my-agent: not found' }),
    ).toBe('agent command not found: my-agent (exit 127)')
    expect(rootCause({ exitReason: 'exit_code_127' })).toBe('agent command not found (exit 127)')
    expect(
      rootCause({ exitReason: 'exit_code_126', agentError: 'sh: 1: ./agent.sh: Permission denied' }),
    ).toBe('agent command could not be executed: ./agent.sh (exit 126)')
    expect(rootCause({ exitReason: 'exit_code_2', agentError: 'bad flag' })).toBe('agent exited with 2')
    expect(rootCause({ exitReason: 'oom' })).toBe('agent ran out of memory')
  })
  test('a run that ended normally leaves the cause to the graders', () => {
    expect(rootCause({ exitReason: 'success', ...graded })).toBeUndefined()
    expect(rootCause({})).toBeUndefined()
  })
})

describe('composeHeadline', () => {
  test('the root cause leads, then the failing test names, then the first error line', () => {
    expect(
      composeHeadline({
        exitReason: 'exit_code_127',
        agentError: 'bash: claud: command not found',
        ...graded,
      }),
    ).toBe(
      'agent command not found: claud (exit 127) — unit tests: 2 failing: tests/test_calc.py::test_case_1, tests/test_calc.py::test_case_2',
    )
    expect(
      composeHeadline({ exitReason: 'timeout', timeoutMs: 60_000, thrown: 'boom\nstack', ...graded }),
    ).toBe(
      'agent timed out after 60s — unit tests: 2 failing: tests/test_calc.py::test_case_1, tests/test_calc.py::test_case_2; boom',
    )
  })
  test('without a root cause, the grader verdict; without graders, what the case threw', () => {
    expect(composeHeadline({ exitReason: 'success', ...graded })).toBe(
      'unit tests: 2 failing: tests/test_calc.py::test_case_1, tests/test_calc.py::test_case_2',
    )
    const judge: Grade = {
      name: 'judge',
      score: null,
      pass: false,
      explanation: 'could not grade: 503\nbody',
    }
    expect(composeHeadline({ grades: [judge], gradesPass: false })).toBe(
      'judge (unscored): could not grade: 503',
    )
    expect(composeHeadline({ grades: [judge], gradesPass: false, threshold: 0.5, score: null })).toBe(
      'score unscored is below the threshold 0.5 — judge (unscored): could not grade: 503',
    )
    expect(composeHeadline({ thrown: 'expected 1 to be 2' })).toBe('expected 1 to be 2')
  })
  test('a budget stop with passing grades is the cause alone', () => {
    const passing: Grade = { name: 'unit tests', score: 1, pass: true, explanation: 'ok' }
    expect(
      composeHeadline({
        exitReason: 'error_max_turns',
        agentError: 'stopped at turn 4: the agent went past maxTurns (2)',
        grades: [passing],
        gradesPass: true,
      }),
    ).toBe('budget stop (maxTurns): stopped at turn 4: the agent went past maxTurns (2)')
  })
  test('long lists keep whole names: five, then "and N more", counted from the run', () => {
    expect(failingTests(unitGrade(names(12)))).toBe(`12 failing: ${names(5).join(', ')} and 7 more`)
    // The grader keeps 50 names; its counts say how many failed in all.
    expect(failingTests(unitGrade(names(50), { failed: 70, errors: 2 }))).toMatch(
      /^72 failing: .* and 67 more$/,
    )
    const long = `tests/test_${'x'.repeat(200)}.py::test_it`
    expect(
      composeHeadline({ exitReason: 'timeout', grades: [unitGrade([long])], gradesPass: false }),
    ).toContain(long)
  })
  test('error lines are cut, names are not', () => {
    const headline = composeHeadline({ exitReason: 'agent_error', agentError: 'e'.repeat(500), ...graded })!
    expect(headline).toMatch(/^agent error: e{119}… — unit tests: 2 failing: /)
  })
  test('fail-to-pass lists name the failing tests too', () => {
    const grade: Grade = {
      name: 'unit tests',
      score: 0.5,
      pass: false,
      explanation: 'resolved: partial',
      metadata: { failToPass: { passing: 1, total: 2, failing: ['test_last_page'] } },
    }
    expect(composeHeadline({ grades: [grade], gradesPass: false })).toBe(
      'unit tests: 1 failing: test_last_page',
    )
  })
  test('missingCommand reads the shells and sandboxes', () => {
    expect(missingCommand('zsh: command not found: foo')).toBe('foo')
    expect(missingCommand('exec: "foo": executable file not found in $PATH')).toBe('foo')
    expect(missingCommand('bash: line 1: foo: command not found')).toBe('foo')
    expect(missingCommand('all good')).toBeUndefined()
  })
})
