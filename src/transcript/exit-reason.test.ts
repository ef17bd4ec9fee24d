import { describe, expect, it } from 'vitest'
import type { ResultEvent } from './events.ts'
import { exitReasonFromTranscript, timeoutAtTurn } from './exit-reason.ts'

const result = (subtype: string): ResultEvent => ({
  type: 'result',
  subtype,
  is_error: subtype !== 'success',
})

describe('exitReasonFromTranscript', () => {
  it('follows the precedence timeout > oom > canceled > max turns > exit code > success', () => {
    const all = {
      resultEvent: result('error_max_turns'),
      exitCode: 1,
      timedOut: true,
      oomKilled: true,
      canceled: true,
    }
    expect(exitReasonFromTranscript(all)).toBe('timeout')
    expect(exitReasonFromTranscript({ ...all, timedOut: false })).toBe('oom')
    expect(exitReasonFromTranscript({ ...all, timedOut: false, oomKilled: false })).toBe('canceled')
    expect(exitReasonFromTranscript({ resultEvent: result('error_max_turns'), exitCode: 1 })).toBe(
      'error_max_turns',
    )
    expect(exitReasonFromTranscript({ resultEvent: result('error_during_execution'), exitCode: 2 })).toBe(
      'exit_code_2',
    )
    expect(exitReasonFromTranscript({ resultEvent: result('success'), exitCode: 0 })).toBe('success')
  })

  it('maps the budget limit and signals', () => {
    expect(exitReasonFromTranscript({ resultEvent: result('error_max_budget_usd'), exitCode: 1 })).toBe(
      'error_max_budget',
    )
    expect(exitReasonFromTranscript({ exitCode: null, signal: 'SIGKILL' })).toBe('exit_code_137')
    expect(exitReasonFromTranscript({ exitCode: null, signal: 'SIGTERM' })).toBe('exit_code_143')
    expect(exitReasonFromTranscript({})).toBe('success')
  })
})

describe('timeoutAtTurn', () => {
  it('is the turns begun so far, at least the first', () => {
    expect(timeoutAtTurn({ turns: 4 })).toBe(4)
    expect(timeoutAtTurn({ turns: 0 })).toBe(1)
  })
})
