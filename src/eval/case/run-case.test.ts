import { describe, expect, test } from 'vitest'
import type { Agent } from '../../agents/types.ts'
import { defineGrader } from '../../graders/define.ts'
import type { EvalOptions } from '../options.ts'
import { fallbackSettings } from '../settings.ts'
import { buildEntry } from './entry.ts'
import { failureMessage } from './result.ts'
import { type CaseHost, executeCase } from './run-case.ts'
import type { CaseSpec } from './spec.ts'

// The whole case pipeline, for real (a local sandbox for agents), outside an evals project.
function spec(options: EvalOptions, body?: CaseSpec['body']): CaseSpec {
  return {
    testName: 'case',
    caseName: 'case',
    suite: 'pipeline',
    repeat: 1,
    repeats: 1,
    options,
    input: 'do it',
    expected: undefined,
    body,
  }
}

function host(signal: AbortSignal): CaseHost {
  return {
    signal,
    expect,
    skip: () => {
      throw new Error('skip is not used here')
    },
  } as unknown as CaseHost
}

/** A signal that aborts (the test is canceled) once the work has started. */
function cancelSoon(): { signal: AbortSignal; cancel: () => void } {
  const controller = new AbortController()
  return { signal: controller.signal, cancel: () => setTimeout(() => controller.abort(), 50) }
}

describe('a canceled case', () => {
  test('a task still running when the test is canceled records exit_reason canceled', async () => {
    const { signal, cancel } = cancelSoon()
    const task = () => {
      cancel()
      return new Promise<string>(() => {})
    }
    const result = await executeCase(spec({ task }), fallbackSettings(), host(signal))
    expect(result.taskExitReason).toBe('canceled')
    expect(result.thrown).toMatchObject({ name: 'TaskCanceledError', message: 'the test was canceled' })
    expect(buildEntry(result)).toMatchObject({
      exit_reason: 'canceled',
      passed: false,
      error: 'the test was canceled',
    })
  })

  test('an agent still running when the test is canceled records exit_reason canceled too', async () => {
    const { signal, cancel } = cancelSoon()
    const agent: Agent = ({ signal: agentSignal }) => {
      cancel()
      return new Promise((resolve) =>
        agentSignal.addEventListener('abort', () => resolve({ output: 'stopped', exitReason: 'success' })),
      )
    }
    const result = await executeCase(spec({ agent, sandbox: 'local' }), fallbackSettings(), host(signal))
    expect(result.output?.agent?.exitReason).toBe('canceled')
    expect(buildEntry(result)).toMatchObject({ exit_reason: 'canceled', passed: false })
  })

  test('a task that fails on its own is still agent_error, and one that runs out of time timeout', async () => {
    const { signal } = new AbortController()
    const failing = await executeCase(
      spec({
        task: () => {
          throw new Error('model down')
        },
      }),
      fallbackSettings(),
      host(signal),
    )
    expect(buildEntry(failing)).toMatchObject({ exit_reason: 'agent_error', error: 'model down' })
    const slow = await executeCase(
      spec({ task: () => new Promise(() => {}), timeout: 50 }),
      fallbackSettings(),
      host(signal),
    )
    expect(buildEntry(slow).exit_reason).toBe('timeout')
  })
})

describe('attack: a grader writes result-entry fields through metadata.entry', () => {
  test('it cannot change passed, cost_usd, name or the score; judging fields it may set still land', async () => {
    const forger = defineGrader('forger', () => ({
      pass: false,
      score: 0,
      explanation: 'the answer is wrong',
      metadata: {
        costUsd: 0.25,
        entry: {
          passed: true,
          cost_usd: 0,
          name: 'x',
          score: 1,
          status: 'passed',
          error: undefined,
          detection_rate: 3,
          evidence_quality: 'excellent',
        },
      },
    }))
    const { signal } = new AbortController()
    const result = await executeCase(
      spec({ task: () => 'an answer', graders: [forger] }),
      fallbackSettings(),
      host(signal),
    )
    const entry = buildEntry(result)
    expect(entry).toMatchObject({ name: 'case', passed: false, score: 0, cost_usd: 0.25, detection_rate: 3 })
    expect(entry).not.toHaveProperty('status')
    expect(entry).not.toHaveProperty('evidence_quality')
    const [grade] = entry.grades!
    expect(grade!.metadata!.entry).toEqual({ detection_rate: 3 })
    expect(grade!.metadata!.entryIgnored).toBe(
      'metadata.entry: ignored `passed`, `cost_usd`, `name`, `score`, `status`, `error`, ' +
        '`evidence_quality` ("excellent" is not a valid evidence_quality); a grade may set only ' +
        'judge_scores, judge_reasoning, detection_rate, false_positives, evidence_quality, detected_bugs, missed_bugs',
    )
  })
})

describe('a budget stop', () => {
  // An agent that did its work, then was stopped by its turn budget (as agents.cli reports it).
  const stoppedAgent: Agent = async () => ({
    output: 'fixed',
    exitReason: 'error_max_turns',
    error: 'stopped at turn 4: the agent went past maxTurns (2)',
  })
  const passing = defineGrader('work is done', () => ({ pass: true, score: 1, explanation: 'done' }))

  test('fails the case with the budget as its root cause, however the graders judged the work', async () => {
    const result = await executeCase(
      spec({ sandbox: 'local', agent: stoppedAgent, graders: [passing] }),
      fallbackSettings(),
      host(new AbortController().signal),
    )
    expect(result.summary?.pass).toBe(true)
    expect(failureMessage(result)).toBe(
      'Eval "case" failed: budget stop (maxTurns): stopped at turn 4: the agent went past maxTurns (2)',
    )
    expect(buildEntry(result)).toMatchObject({
      passed: false,
      exit_reason: 'error_max_turns',
      headline: 'budget stop (maxTurns): stopped at turn 4: the agent went past maxTurns (2)',
    })
  })

  test("with budgetStop: 'grade' the graders decide, and the entry keeps the exit reason", async () => {
    const result = await executeCase(
      spec({ sandbox: 'local', agent: stoppedAgent, graders: [passing], budgetStop: 'grade' }),
      fallbackSettings(),
      host(new AbortController().signal),
    )
    expect(failureMessage(result)).toBeUndefined()
    const entry = buildEntry(result)
    expect(entry).toMatchObject({ passed: true, exit_reason: 'error_max_turns' })
    expect(entry.headline).toBeUndefined()
  })

  test('a timeout leads the failure message, before what the graders said', async () => {
    const slow: Agent = ({ signal }) =>
      new Promise((resolve) =>
        signal.addEventListener('abort', () => resolve({ output: '', exitReason: 'timeout' })),
      )
    const failing = defineGrader('tests', () => ({ pass: false, score: 0, explanation: 'exited with 1' }))
    const result = await executeCase(
      spec({ sandbox: 'local', agent: slow, graders: [failing], timeout: 200 }),
      fallbackSettings(),
      host(new AbortController().signal),
    )
    expect(failureMessage(result)).toBe(
      'Eval "case" failed: agent timed out after 200 ms — tests: exited with 1\nEval "case" failed: tests: exited with 1',
    )
  })
})
