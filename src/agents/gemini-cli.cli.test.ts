import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Sandbox } from '../sandbox/types.ts'
import { type ScriptedUpstream, startScriptedUpstream } from '../testing/scripted-upstream/index.ts'
import { agentClisInstalled } from './agent-clis.test-support.ts'
import { cliSandbox, maybeSaveFixture, realHomeSnapshot } from './cli-sandbox.test-support.ts'
import { geminiCli } from './gemini-cli.ts'
import { recordingContext } from './test-support.ts'

const KEY = 'evalbox-dummy'
const CONTENT = 'hello from the script\n'

describe.skipIf(!agentClisInstalled())(
  'agents.geminiCli against the scripted upstream (real Gemini CLI)',
  () => {
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

    test('writes the file with write_file, runs the shell, and ends with the scripted answer', async () => {
      sandbox = await cliSandbox('gemini-proof')
      const before = realHomeSnapshot(['.gemini'])
      try {
        const ctx = {
          ...recordingContext(sandbox, { prompt: 'Do the notes-task please.' }),
          models: { baseUrl: upstream.url, apiKey: KEY },
        }
        const result = await geminiCli().run(ctx)
        maybeSaveFixture('gemini', 'notes-task.ndjson', ctx.kept.get('transcript.ndjson') ?? '')

        expect(result.exitReason, ctx.logText()).toBe('success')
        expect(result.output).toBe('All done: notes.txt written and read.')
        expect((await sandbox.readFile('notes.txt')).toString()).toBe(CONTENT)

        const calls = upstream.calls.filter((call) => call.protocol === 'gemini')
        // Tool-less side calls (if any) are not steps of the script.
        const steps = calls.filter((call) => call.reply?.kind === 'tool' || call.toolResults === 2)
        expect(steps.map((call) => [call.path, call.status, call.toolResults, call.model])).toEqual([
          ['/v1beta/models/gemini-2.5-pro:streamGenerateContent', 200, 0, 'gemini-2.5-pro'],
          ['/v1beta/models/gemini-2.5-pro:streamGenerateContent', 200, 1, 'gemini-2.5-pro'],
          ['/v1beta/models/gemini-2.5-pro:streamGenerateContent', 200, 2, 'gemini-2.5-pro'],
        ])
        expect(steps.map((call) => call.reply?.kind === 'tool' && call.reply.call.name)).toEqual([
          'write_file',
          'run_shell_command',
          false,
        ])
        for (const call of calls) expect(call.headers['x-goog-api-key']).toBe(KEY)
        // The shell really ran: its output is the function response of the last request.
        const body = JSON.stringify(steps[2]!.body)
        expect(body).toContain('functionResponse')
        expect(body).toContain(CONTENT.trim())

        expect(result.metrics).toMatchObject({
          turns: 3,
          toolSummary: { Write: 1, Bash: 1 },
          lastToolCall: 'Bash(cat notes.txt)',
          model: 'gemini-2.5-pro',
          finalMessage: 'All done: notes.txt written and read.',
        })
        const sum = (key: 'input' | 'output') =>
          calls.reduce((total, call) => total + (call.tokens?.[key] ?? 0), 0)
        expect(result.metrics?.tokens).toEqual({ input: sum('input'), output: sum('output'), cacheRead: 0 })
        expect(realHomeSnapshot(['.gemini'])).toEqual(before)
      } finally {
        await sandbox.dispose()
      }
    }, 60_000)

    test('an upstream that keeps failing ends the run as a failure within seconds', async () => {
      sandbox = await cliSandbox('gemini-proof-fail')
      try {
        upstream.fail(100, 500)
        const started = Date.now()
        const ctx = {
          ...recordingContext(sandbox, { prompt: 'Do the notes-task please.' }),
          models: { baseUrl: upstream.url, apiKey: KEY },
        }
        const result = await geminiCli({ timeoutMs: 45_000 }).run(ctx)
        maybeSaveFixture('gemini', 'upstream-500.ndjson', ctx.kept.get('transcript.ndjson') ?? '')
        const seconds = (Date.now() - started) / 1000
        expect(result.exitReason, ctx.logText()).not.toBe('success')
        expect(result.exitReason).not.toBe('timeout')
        expect(seconds).toBeLessThan(30)
        expect(result.metrics?.turns).toBe(0)
      } finally {
        upstream.fail(0)
        await sandbox.dispose()
      }
    }, 60_000)
  },
)
