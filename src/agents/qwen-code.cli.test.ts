import { readdir, readFile } from 'node:fs/promises'
import { afterEach, describe, expect, test } from 'vitest'
import { agentClisInstalled } from './agent-clis.test-support.ts'
import {
  captureFixture,
  modelCalls,
  type ProofRun,
  reportedTokens,
  runProof,
  STAND_IN_KEY,
  touchedSince,
} from './cli-proof.test-support.ts'
import { qwenCode } from './qwen-code.ts'

describe.skipIf(!agentClisInstalled())('agents.qwenCode against the scripted upstream (real CLI)', () => {
  let run: ProofRun | undefined
  afterEach(async () => {
    await run?.sandbox.dispose()
    await run?.upstream.close()
    run = undefined
  })

  test('writes the file, runs the shell, answers; tokens are what the upstream reported', async () => {
    const since = Date.now()
    run = await runProof(qwenCode({ model: 'qwen-test' }))
    const { result, upstream, sandbox, ctx } = run
    await captureFixture('qwen-code', 'write-shell-answer', ctx)
    expect(result.exitReason, result.error).toBe('success')
    expect(await readFile(`${sandbox.workdir}/notes.txt`, 'utf8')).toBe('hello from the script\n')
    // Nothing of the CLI's own state lands in the workdir (it would be harvested).
    expect(await readdir(sandbox.workdir)).toEqual(['notes.txt'])
    const calls = modelCalls(upstream)
    expect(calls.map((call) => [call.protocol, call.model, call.reply?.kind])).toEqual([
      ['openai-chat', 'qwen-test', 'tool'],
      ['openai-chat', 'qwen-test', 'tool'],
      ['openai-chat', 'qwen-test', 'text'],
    ])
    const last = JSON.stringify(calls.at(-1)!.body)
    expect(last).toContain('shell-ran-42')
    expect(last).toContain('hello from the script')
    expect(result.output).toBe('Done: notes.txt holds the greeting.')
    expect(result.metrics).toMatchObject({
      turns: 3,
      toolSummary: { Write: 1, Bash: 1 },
      lastToolCall: 'Bash(cat notes.txt && echo shell-ran-$((6*7)))',
      tokens: reportedTokens(upstream),
      model: 'qwen-test',
    })
    expect(upstream.calls.every((call) => call.headers.authorization === `Bearer ${STAND_IN_KEY}`)).toBe(true)
    expect(touchedSince(since, ['.qwen'])).toEqual([])
  }, 60_000)

  test('an upstream that keeps failing is stopped at the agent timeout, not after minutes of retries', async () => {
    run = await runProof(qwenCode({ timeoutMs: 8_000 }), { failing: true })
    const { result, upstream } = run
    expect(result.exitReason).toBe('timeout')
    expect(upstream.calls.filter((call) => call.status === 500).length).toBeGreaterThan(1)
    expect(run.ms).toBeLessThan(15_000)
  }, 60_000)
})
