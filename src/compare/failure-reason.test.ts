import { describe, expect, test } from 'vitest'
import { budgetTag, failureReason } from './failure-reason.ts'

describe('failureReason', () => {
  test('the headline, whole, when the entry has one', () => {
    const headline = `agent command not found: claud (exit 127) — unit tests: 9 failing: ${'a_long_test_name, '.repeat(4)}e and 4 more`
    expect(failureReason({ headline, exit_reason: 'exit_code_127', error: 'unit tests exited with 1' })).toBe(
      headline,
    )
  })
  test('an older entry: the exit reason and the first error line, cut — but never its failing test names', () => {
    const names = Array.from({ length: 5 }, (_, i) => `tests/test_module.py::test_number_${i}`).join(', ')
    const error = `Eval "x" failed: unit tests: \`pytest\` exited with 1: 0 passed, 5 failed (failing: ${names}); the agent changed nothing: ${'x'.repeat(200)}`
    expect(failureReason({ exit_reason: 'timeout', timeout_at_turn: 2, error })).toBe(
      `timeout at turn 2: ${error.slice(0, error.indexOf(names) + names.length)})…`,
    )
    expect(failureReason({ error: `${'y'.repeat(300)}\nsecond` })).toBe(`${'y'.repeat(159)}…`)
    expect(failureReason({ exit_reason: 'success' })).toBeUndefined()
  })
})

test('budgetTag names the budget that stopped the agent', () => {
  expect(budgetTag({ exit_reason: 'error_max_turns' })).toBe('budget stop: maxTurns')
  expect(budgetTag({ exit_reason: 'error_max_budget' })).toBe('budget stop: maxCostUsd')
  expect(budgetTag({ exit_reason: 'timeout' })).toBeUndefined()
})
