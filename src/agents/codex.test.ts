import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createLocalSandbox } from '../sandbox/local/local-sandbox.ts'
import type { Sandbox } from '../sandbox/types.ts'
import { codexDialect, unwrapShell } from '../transcript/dialects/codex.ts'
import { createTranscriptParser, exitReasonFromTranscript, type ResultEvent } from '../transcript/index.ts'
import { codex, codexCommand, codexConfig } from './codex.ts'
import { recordingContext } from './test-support.ts'

/** Real `codex exec --json` output, captured by codex.cli.test.ts against the scripted upstream. */
const fixture = (name: string) =>
  readFileSync(new URL(`./__fixtures__/codex/${name}`, import.meta.url), 'utf8')

function parse(text: string) {
  const parser = createTranscriptParser({ dialect: codexDialect({ model: 'gpt-5.5' }) })
  parser.push(text)
  parser.end()
  return parser
}

describe('agents.codex', () => {
  test('builds a codex exec command with the prompt last, after --', () => {
    expect(codexCommand()).toEqual([
      'codex',
      'exec',
      '--json',
      '--skip-git-repo-check',
      '--dangerously-bypass-approvals-and-sandbox',
      '-m',
      'gpt-5.5',
      '--',
      '{prompt}',
    ])
    expect(
      codexCommand({
        model: 'gpt-5.4',
        command: ['npx', 'codex'],
        extraArgs: ['-c', 'model_reasoning_effort="low"'],
      }),
    ).toEqual([
      'npx',
      'codex',
      'exec',
      '--json',
      '--skip-git-repo-check',
      '--dangerously-bypass-approvals-and-sandbox',
      '-m',
      'gpt-5.4',
      '-c',
      'model_reasoning_effort="low"',
      '--',
      '{prompt}',
    ])
  })

  test('refuses unknown and bad options with the fix', () => {
    expect(() => codex({ modle: 'gpt-5.5' } as never)).toThrow(/modle.*model/s)
    expect(() => codex({ model: '' })).toThrow(/`model`/)
    expect(() => codexCommand({ command: [] })).toThrow(/`command`/)
    expect(() => codex({ timeoutMs: -1 })).toThrow(/timeoutMs.*milliseconds/s)
  })

  test('its config points one Responses provider at the URL, with few retries and nothing phoning home', () => {
    const config = codexConfig('gpt-5.5', 'http://127.0.0.1:4555/c/abc/v1', 'OPENAI_API_KEY')
    for (const line of [
      'model = "gpt-5.5"',
      'model_provider = "evalbox"',
      'base_url = "http://127.0.0.1:4555/c/abc/v1"',
      'wire_api = "responses"',
      'env_key = "OPENAI_API_KEY"',
      'request_max_retries = 1',
      'stream_max_retries = 1',
      'check_for_update_on_startup = false',
      'web_search = "disabled"',
      'exporter = "none"',
    ])
      expect(config.split('\n')).toContain(line)
    expect(config).toMatch(/\[analytics\]\nenabled = false/)
    expect(config).toMatch(/\[features\]\n(?:[a-z_]+ = false\n)*plugins = false\n/)
  })

  test('the dialect reads a real run: Write then Bash, three turns, the tokens of turn.completed', () => {
    const parser = parse(fixture('notes-task.ndjson'))
    const metrics = parser.metrics()
    expect(metrics).toMatchObject({
      turns: 3,
      toolSummary: { Write: 1, Bash: 1 },
      lastToolCall: 'Bash(cat notes.txt)',
      model: 'gpt-5.5',
      finalMessage: 'All done: notes.txt written and read.',
      tokens: { input: 28808, output: 78, cacheRead: 0 },
    })
    const result = parser.tally.result as ResultEvent
    expect(result).toMatchObject({ subtype: 'success', is_error: false, num_turns: 3 })
    expect(exitReasonFromTranscript({ resultEvent: result, exitCode: 0 })).toBe('success')
    const toolResult = parser.events.find((event) => event.type === 'user') as {
      message: { content: { content: string; is_error: boolean }[] }
    }
    expect(toolResult.message.content[0]).toMatchObject({ content: 'ok', is_error: false })
    const bash = parser.events.filter((event) => event.type === 'user')[1] as typeof toolResult
    expect(bash.message.content[0]).toMatchObject({ content: 'hello from the script\n', is_error: false })
  })

  test('the dialect reads a failed turn as an error result with no turns', () => {
    const parser = parse(fixture('upstream-500.ndjson'))
    expect(parser.metrics().turns).toBe(0)
    expect(parser.tally.result).toMatchObject({
      subtype: 'error_during_execution',
      is_error: true,
      error: expect.stringContaining('high demand'),
    })
  })

  test('the dialect subtracts cached input, marks failed commands, and closes a run cut before its end', () => {
    const lines = [
      { type: 'thread.started', thread_id: 't1' },
      {
        type: 'item.completed',
        item: {
          id: 'i1',
          type: 'command_execution',
          command: "bash -lc 'npm test'",
          aggregated_output: 'FAIL',
          exit_code: 1,
          status: 'failed',
        },
      },
      {
        type: 'item.completed',
        item: {
          id: 'i2',
          type: 'file_change',
          changes: [
            { path: 'a.ts', kind: 'update' },
            { path: 'b.ts', kind: 'add' },
          ],
          status: 'completed',
        },
      },
      { type: 'turn.completed', usage: { input_tokens: 1000, cached_input_tokens: 600, output_tokens: 50 } },
    ]
    const parser = parse(lines.map((line) => JSON.stringify(line)).join('\n'))
    expect(parser.metrics()).toMatchObject({
      turns: 2,
      toolSummary: { Bash: 1, Edit: 1, Write: 1 },
      tokens: { input: 400, output: 50, cacheRead: 600 },
    })
    const failed = parser.events.find((event) => event.type === 'user') as {
      message: { content: { is_error: boolean }[] }
    }
    expect(failed.message.content[0]!.is_error).toBe(true)

    const cut = parse(
      `${JSON.stringify(lines[0])}\n${JSON.stringify({ type: 'error', message: 'stream disconnected' })}\n`,
    )
    expect(cut.tally.result).toMatchObject({ is_error: true, error: 'stream disconnected' })
    expect(unwrapShell("/bin/bash -lc 'echo '\\''hi'\\'''")).toBe("echo 'hi'")
    expect(unwrapShell('ls -la')).toBe('ls -la')
  })

  describe('run through a sandbox (a stand-in that replays a real transcript)', () => {
    let sandbox: Sandbox
    beforeAll(async () => {
      sandbox = await createLocalSandbox({ label: 'codex-unit' })
      await sandbox.writeFile('ok.ndjson', fixture('notes-task.ndjson'))
      await sandbox.writeFile('fail.ndjson', fixture('upstream-500.ndjson'))
    })
    afterAll(async () => {
      delete process.env.OPENAI_API_KEY
      await sandbox.dispose()
    })

    // Prints what a Codex run would see (config, key, argv tail), then replays a transcript.
    const standIn = (file: string, exit: number) => [
      'sh',
      '-c',
      `cat "$HOME/.codex/config.toml" >&2; [ "$OPENAI_API_KEY" = evalbox-dummy ] && echo key-ok >&2; echo "last: $(eval echo \\\${$#})" >&2; cat ${file}; exit ${exit}`,
      'codex',
    ]

    test('the gateway goes into a fresh HOME config and the key variable; the run reads as success', async () => {
      // A host key the default allowlist copies never wins over the gateway's stand-in.
      process.env.OPENAI_API_KEY = 'host-real-key'
      const ctx = {
        ...recordingContext(sandbox, { prompt: 'Do the notes-task.' }),
        models: { baseUrl: 'http://127.0.0.1:4555/c/tok/', apiKey: 'evalbox-dummy' },
      }
      const result = await codex({ command: standIn('ok.ndjson', 0) }).run(ctx)
      expect(result).toMatchObject({ exitReason: 'success', output: 'All done: notes.txt written and read.' })
      const log = ctx.logText()
      expect(log).toContain('base_url = "http://127.0.0.1:4555/c/tok/v1"')
      expect(log).toContain('key-ok')
      expect(log).toContain('last: Do the notes-task.')
      expect(ctx.kept.get('transcript.ndjson')).toBe(fixture('notes-task.ndjson'))
    })

    test('a failed turn is exit_code_1, and agent_error when Codex exits 0 all the same', async () => {
      const models = { baseUrl: 'http://127.0.0.1:4555/c/tok', apiKey: 'evalbox-dummy' }
      const failed = await codex({ command: standIn('fail.ndjson', 1) }).run({
        ...recordingContext(sandbox),
        models,
      })
      expect(failed.exitReason).toBe('exit_code_1')
      const quiet = await codex({ command: standIn('fail.ndjson', 0) }).run({
        ...recordingContext(sandbox),
        models,
      })
      expect(quiet.exitReason).toBe('agent_error')
    })

    test("without the gateway, the host's OPENAI_BASE_URL is the provider's base URL", async () => {
      const ctx = recordingContext(sandbox)
      const result = await codex({
        command: standIn('ok.ndjson', 0),
        env: { OPENAI_BASE_URL: 'https://proxy.example/v1', OPENAI_API_KEY: 'evalbox-dummy' },
      }).run(ctx)
      expect(result.exitReason).toBe('success')
      expect(ctx.logText()).toContain('base_url = "https://proxy.example/v1"')
      expect(ctx.logText()).toContain('key-ok')
    })
  })
})
