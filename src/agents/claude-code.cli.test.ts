import { readdir, readFile } from 'node:fs/promises'
import { afterEach, describe, expect, test } from 'vitest'
import { agentClisInstalled } from './agent-clis.test-support.ts'
import { claudeCode } from './claude-code.ts'
import {
  captureFixture,
  modelCalls,
  type ProofRun,
  reportedTokens,
  runProof,
  STAND_IN_KEY,
  touchedSince,
} from './cli-proof.test-support.ts'

const STATE = ['.claude', '.claude.json', `/tmp/claude-${process.getuid?.() ?? 0}`]

describe.skipIf(!agentClisInstalled())('agents.claudeCode against the scripted upstream (real CLI)', () => {
  let run: ProofRun | undefined
  afterEach(async () => {
    await run?.sandbox.dispose()
    await run?.upstream.close()
    run = undefined
  })

  test('writes the file, runs the shell, answers; tokens are what the upstream reported', async () => {
    const since = Date.now()
    run = await runProof(claudeCode())
    const { result, upstream, sandbox, ctx } = run
    await captureFixture('claude-code', 'write-shell-answer', ctx)
    expect(result.exitReason, result.error).toBe('success')
    expect(await readFile(`${sandbox.workdir}/notes.txt`, 'utf8')).toBe('hello from the script\n')
    // Nothing of the CLI's own state lands in the workdir (it would be harvested).
    expect(await readdir(sandbox.workdir)).toEqual(['notes.txt'])
    const calls = modelCalls(upstream)
    expect(calls.map((call) => call.reply?.kind)).toEqual(['tool', 'tool', 'text'])
    // The shell step really ran: its output is the tool result the last request carried.
    const last = JSON.stringify(calls.at(-1)!.body)
    expect(last).toContain('shell-ran-42')
    expect(last).toContain('hello from the script')
    expect(result.output).toBe('Done: notes.txt holds the greeting.')
    expect(result.metrics).toMatchObject({
      turns: 3,
      toolSummary: { Write: 1, Bash: 1 },
      lastToolCall: 'Bash(cat notes.txt && echo shell-ran-$((6*7)))',
      tokens: reportedTokens(upstream),
    })
    expect(
      upstream.calls.every((call) => call.status !== 200 || call.headers['x-api-key'] === STAND_IN_KEY),
    ).toBe(true)
    expect(touchedSince(since, STATE)).toEqual([])
  }, 60_000)

  test('an upstream that keeps failing ends as agent_error (retries cut to one)', async () => {
    run = await runProof(claudeCode({ env: { CLAUDE_CODE_MAX_RETRIES: '1' } }), { failing: true })
    const { result, upstream, ctx } = run
    await captureFixture('claude-code', 'api-error-500', ctx)
    expect(result.exitReason).toBe('agent_error')
    expect(result.output).toMatch(/API Error: 500/)
    expect(upstream.calls.filter((call) => call.status === 500).length).toBe(2)
    expect(run.ms).toBeLessThan(20_000)
  }, 60_000)
})
