import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Sandbox } from '../sandbox/types.ts'
import { type ScriptedUpstream, startScriptedUpstream } from '../testing/scripted-upstream/index.ts'
import { agentClisInstalled } from './agent-clis.test-support.ts'
import { cliSandbox, maybeSaveFixture, realHomeSnapshot } from './cli-sandbox.test-support.ts'
import { codex } from './codex.ts'
import { recordingContext } from './test-support.ts'

const KEY = 'evalbox-dummy'
const CONTENT = 'hello from the script\n'

describe.skipIf(!agentClisInstalled())('agents.codex against the scripted upstream (real Codex CLI)', () => {
  let upstream: ScriptedUpstream
  let sandbox: Sandbox
  beforeAll(async () => {
    upstream = await startScriptedUpstream({
      apiKey: KEY,
      scripts: {
        'notes-task': {
          steps: [
            { write: 'notes.txt', content: CONTENT },
            { shell: 'cat notes.txt' },
            { answer: 'All done: notes.txt written and read.' },
          ],
        },
      },
    })
  })
  afterAll(async () => {
    await upstream.close()
  })

  test('writes the file with apply_patch, runs the shell, and ends with the scripted answer', async () => {
    sandbox = await cliSandbox('codex-proof')
    const before = realHomeSnapshot(['.codex'])
    try {
      const ctx = {
        ...recordingContext(sandbox, { prompt: 'Do the notes-task please.' }),
        models: { baseUrl: upstream.url, apiKey: KEY },
      }
      const result = await codex().run(ctx)
      maybeSaveFixture('codex', 'notes-task.ndjson', ctx.kept.get('transcript.ndjson') ?? '')

      expect(result.exitReason, ctx.logText()).toBe('success')
      expect(result.output).toBe('All done: notes.txt written and read.')
      expect((await sandbox.readFile('notes.txt')).toString()).toBe(CONTENT)

      const calls = upstream.calls.filter((call) => call.protocol === 'openai-responses')
      expect(calls.map((call) => [call.path, call.status, call.toolResults, call.model])).toEqual([
        ['/v1/responses', 200, 0, 'gpt-5.5'],
        ['/v1/responses', 200, 1, 'gpt-5.5'],
        ['/v1/responses', 200, 2, 'gpt-5.5'],
      ])
      expect(calls.map((call) => call.reply?.kind === 'tool' && call.reply.call.name)).toEqual([
        'apply_patch',
        'exec_command',
        false,
      ])
      for (const call of calls) expect(call.headers.authorization).toBe(`Bearer ${KEY}`)
      // The shell really ran: its output is the tool result of the last request.
      const input = (calls[2]!.body as { input: { type: string; output?: string }[] }).input
      const shellOutput = input.filter((item) => item.type === 'function_call_output').at(-1)?.output
      expect(shellOutput).toContain(CONTENT.trim())

      expect(result.metrics).toMatchObject({
        turns: 3,
        toolSummary: { Write: 1, Bash: 1 },
        lastToolCall: 'Bash(cat notes.txt)',
        model: 'gpt-5.5',
        finalMessage: 'All done: notes.txt written and read.',
      })
      const sum = (key: 'input' | 'output') => calls.reduce((total, call) => total + call.tokens![key], 0)
      expect(result.metrics?.tokens).toEqual({ input: sum('input'), output: sum('output'), cacheRead: 0 })
      expect(realHomeSnapshot(['.codex'])).toEqual(before)
    } finally {
      await sandbox.dispose()
    }
  }, 60_000)

  test('an upstream that keeps failing ends the run as a failure within seconds', async () => {
    sandbox = await cliSandbox('codex-proof-fail')
    try {
      upstream.fail(100, 500)
      const started = Date.now()
      const ctx = {
        ...recordingContext(sandbox, { prompt: 'Do the notes-task please.' }),
        models: { baseUrl: upstream.url, apiKey: KEY },
      }
      const result = await codex({ timeoutMs: 45_000 }).run(ctx)
      maybeSaveFixture('codex', 'upstream-500.ndjson', ctx.kept.get('transcript.ndjson') ?? '')
      const seconds = (Date.now() - started) / 1000
      expect(result.exitReason).toBe('exit_code_1')
      expect(seconds).toBeLessThan(20)
      expect(result.metrics?.turns).toBe(0)
    } finally {
      upstream.fail(0)
      await sandbox.dispose()
    }
  }, 60_000)
})
