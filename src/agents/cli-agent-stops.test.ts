import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createLocalSandbox } from '../sandbox/local/local-sandbox.ts'
import type { Sandbox } from '../sandbox/types.ts'
import { cliAgent } from './cli-agent.ts'
import { recordingContext } from './test-support.ts'

// A fake agent that prints stream-json turns: one assistant message every `gap` ms,
// `count` of them (forever when 0), then waits `hang` ms before a result (never when -1).
const TURNS_AGENT = `
const [count, gap, hang] = process.argv.slice(2).map(Number)
const out = (event) => process.stdout.write(JSON.stringify(event) + '\\n')
out({ type: 'system', subtype: 'init', cwd: process.cwd(), model: 'claude-sonnet-4-6', argv: process.argv.slice(2) })
let n = 0
const timer = setInterval(() => {
  n++
  out({ type: 'assistant', message: { id: 'msg_' + n, model: 'claude-sonnet-4-6',
    content: [{ type: 'tool_use', id: 'tu_' + n, name: 'Bash', input: { command: 'step ' + n } }],
    usage: { input_tokens: 100000, output_tokens: 1000 } } })
  if (n === count) {
    clearInterval(timer)
    if (hang >= 0) setTimeout(() => out({ type: 'result', subtype: 'success', num_turns: n, result: 'done ' + n }), hang)
    else setInterval(() => {}, 1000)
  }
}, gap)
`

describe('agents.cli: budgets, timeouts and cancellation', () => {
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await createLocalSandbox({ label: 'cli-stops' })
    await sandbox.writeFile('turns.js', TURNS_AGENT)
  })
  afterAll(async () => {
    await sandbox.dispose()
  })

  test('stops an agent past maxTurns, passing the budget through {maxTurns}', {
    timeout: 20_000,
  }, async () => {
    const agent = cliAgent({
      command: ['node', 'turns.js', '0', '30', '-1', '--max-turns={maxTurns}'],
      transcript: 'stream-json',
      maxTurns: 3,
    })
    const result = await agent.run(recordingContext(sandbox))
    expect(result.exitReason).toBe('error_max_turns')
    expect(result.metrics!.turns).toBeGreaterThan(3)
    expect(result.error).toContain('maxTurns (3)')
    expect(result.transcript![0]).toMatchObject({ argv: ['0', '30', '-1', '--max-turns=3'] })
  })

  test("'backstop' budgets let the agent finish its own way, and stop it one response later", {
    timeout: 20_000,
  }, async () => {
    const finishing = cliAgent({
      command: ['node', 'turns.js', '4', '10', '0'],
      transcript: 'stream-json',
      maxTurns: 3,
      budgetEnforcement: 'backstop',
    })
    const finished = await finishing.run(recordingContext(sandbox))
    expect(finished).toMatchObject({ exitReason: 'success', output: 'done 4' })
    const runaway = cliAgent({
      command: ['node', 'turns.js', '0', '30', '-1'],
      transcript: 'stream-json',
      maxTurns: 3,
      budgetEnforcement: 'backstop',
    })
    const stopped = await runaway.run(recordingContext(sandbox))
    expect(stopped.exitReason).toBe('error_max_turns')
    expect(stopped.metrics!.turns).toBeGreaterThanOrEqual(5)
  })

  test('stops an agent once its estimated cost passes maxCostUsd', { timeout: 20_000 }, async () => {
    // Each fake turn costs 100k input + 1k output tokens of Sonnet 4.6: $0.315.
    const agent = cliAgent({
      command: ['node', 'turns.js', '0', '30', '-1'],
      transcript: 'stream-json',
      maxCostUsd: 1,
    })
    const result = await agent.run(recordingContext(sandbox))
    expect(result.exitReason).toBe('error_max_budget')
    expect(result.metrics!.costUsd).toBeGreaterThan(1)
    expect(result.metrics!.turns).toBeGreaterThanOrEqual(4)
  })

  test('a timeout mid-stream reports the turn it hit', { timeout: 20_000 }, async () => {
    const agent = cliAgent({ command: ['node', 'turns.js', '2', '10', '-1'], transcript: 'stream-json' })
    const result = await agent.run(recordingContext(sandbox, { timeoutMs: 1_500 }))
    expect(result.exitReason).toBe('timeout')
    expect(result.metrics).toMatchObject({ turns: 2, timeoutAtTurn: 2, lastToolCall: 'Bash(step 2)' })
    expect(result.metrics!.toolSummary).toEqual({ Bash: 2 })
  })

  test("the case runner's timeout signal reads as a timeout, other aborts as canceled", {
    timeout: 20_000,
  }, async () => {
    const agent = cliAgent({ command: ['node', 'turns.js', '1', '10', '-1'], transcript: 'stream-json' })
    const run = async (reason: string) => {
      const controller = new AbortController()
      setTimeout(() => controller.abort(new Error(reason)), 800)
      return agent.run(recordingContext(sandbox, { signal: controller.signal }))
    }
    const timedOut = await run('timeout')
    expect(timedOut.exitReason).toBe('timeout')
    expect(timedOut.metrics!.timeoutAtTurn).toBe(1)
    const canceled = await run('canceled')
    expect(canceled.exitReason).toBe('canceled')
    expect(canceled.metrics!.timeoutAtTurn).toBeUndefined()
  })
})
