import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createLocalSandbox } from '../sandbox/local/local-sandbox.ts'
import type { Sandbox } from '../sandbox/types.ts'
import { geminiDialect } from '../transcript/dialects/gemini.ts'
import { createTranscriptParser, exitReasonFromTranscript, type ResultEvent } from '../transcript/index.ts'
import { geminiCli, geminiCliCommand, geminiCliSettings } from './gemini-cli.ts'
import { recordingContext } from './test-support.ts'

/** Real `gemini --output-format stream-json` output, captured by gemini-cli.cli.test.ts. */
const fixture = (name: string) =>
  readFileSync(new URL(`./__fixtures__/gemini/${name}`, import.meta.url), 'utf8')

function parse(text: string) {
  const parser = createTranscriptParser({ dialect: geminiDialect })
  parser.push(text)
  parser.end()
  return parser
}

const lines = (...events: unknown[]) => events.map((event) => JSON.stringify(event)).join('\n')

describe('agents.geminiCli', () => {
  test('builds a headless stream-json yolo command with the prompt as one argument', () => {
    expect(geminiCliCommand()).toEqual([
      'gemini',
      '--output-format',
      'stream-json',
      '--yolo',
      '--skip-trust',
      '-m',
      'gemini-2.5-pro',
      '--prompt={prompt}',
    ])
    expect(
      geminiCliCommand({ model: 'gemini-2.5-flash', command: ['npx', 'gemini'], extraArgs: ['--debug'] }),
    ).toEqual([
      'npx',
      'gemini',
      '--output-format',
      'stream-json',
      '--yolo',
      '--skip-trust',
      '-m',
      'gemini-2.5-flash',
      '--debug',
      '--prompt={prompt}',
    ])
  })

  test('refuses unknown and bad options with the fix', () => {
    expect(() => geminiCli({ maxAttempt: 3 } as never)).toThrow(/maxAttempt.*maxAttempts/s)
    expect(() => geminiCli({ maxAttempts: 0 })).toThrow(/maxAttempts.*attempts/s)
    expect(() => geminiCliCommand({ model: '' })).toThrow(/`model`/)
  })

  test('its settings select API-key auth, bound the retries, and turn statistics and updates off', () => {
    expect(JSON.parse(geminiCliSettings())).toEqual({
      security: { auth: { selectedType: 'gemini-api-key' } },
      privacy: { usageStatisticsEnabled: false },
      telemetry: { enabled: false },
      general: { disableAutoUpdate: true, disableUpdateNag: true, maxAttempts: 2 },
      ide: { enabled: false },
    })
    expect(JSON.parse(geminiCliSettings(5)).general.maxAttempts).toBe(5)
  })

  test('the dialect reads a real run: Write then Bash, three turns, the streamed answer joined', () => {
    const parser = parse(fixture('notes-task.ndjson'))
    expect(parser.metrics()).toMatchObject({
      turns: 3,
      toolSummary: { Write: 1, Bash: 1 },
      lastToolCall: 'Bash(cat notes.txt)',
      model: 'gemini-2.5-pro',
      finalMessage: 'All done: notes.txt written and read.',
      tokens: { input: 35639, output: 75, cacheRead: 0 },
    })
    const result = parser.tally.result as ResultEvent
    expect(result).toMatchObject({ subtype: 'success', is_error: false, num_turns: 3 })
    expect(exitReasonFromTranscript({ resultEvent: result, exitCode: 0 })).toBe('success')
    // One assistant message holds the whole streamed text.
    const texts = parser.events.filter(
      (event) => event.type === 'assistant' && JSON.stringify(event).includes('"type":"text"'),
    )
    expect(texts).toHaveLength(1)
    const shell = parser.events.filter((event) => event.type === 'user')[1] as {
      message: { content: { content: string; is_error: boolean }[] }
    }
    expect(shell.message.content[0]).toMatchObject({ content: 'hello from the script', is_error: false })
  })

  test('the dialect reads an API error as an error result with no turns', () => {
    const parser = parse(fixture('upstream-500.ndjson'))
    expect(parser.metrics().turns).toBe(0)
    expect(parser.tally.result).toMatchObject({
      subtype: 'error_during_execution',
      is_error: true,
      error: expect.stringContaining('failing on purpose'),
    })
  })

  test('the dialect keeps text and tool calls of one response together and maps the tool names', () => {
    const parser = parse(
      lines(
        { type: 'init', model: 'gemini-2.5-flash' },
        { type: 'message', role: 'assistant', content: 'Let me ', delta: true },
        { type: 'message', role: 'assistant', content: 'look.', delta: true },
        { type: 'tool_use', tool_name: 'read_file', tool_id: 'r1', parameters: { absolute_path: '/w/a.ts' } },
        {
          type: 'tool_use',
          tool_name: 'search_file_content',
          tool_id: 'g1',
          parameters: { pattern: 'TODO' },
        },
        { type: 'tool_result', tool_id: 'r1', status: 'success', output: 'code' },
        { type: 'tool_result', tool_id: 'g1', status: 'error', error: { message: 'no rg' } },
        { type: 'tool_use', tool_name: 'replace', tool_id: 'e1', parameters: { file_path: '/w/a.ts' } },
        { type: 'tool_result', tool_id: 'e1', status: 'success' },
        { type: 'message', role: 'assistant', content: 'Fixed it.', delta: true },
        { type: 'result', status: 'success', stats: { input_tokens: 900, cached: 300, output_tokens: 40 } },
      ),
    )
    expect(parser.metrics()).toMatchObject({
      turns: 3,
      toolSummary: { Read: 1, Grep: 1, Edit: 1 },
      finalMessage: 'Fixed it.',
      model: 'gemini-2.5-flash',
      tokens: { input: 600, output: 40, cacheRead: 300 },
    })
    const first = parser.events.find((event) => event.type === 'assistant') as {
      message: { content: { type: string; text?: string; input?: { file_path?: string } }[] }
    }
    expect(first.message.content[0]).toEqual({ type: 'text', text: 'Let me look.' })
    expect(first.message.content[1]!.input?.file_path).toBe('/w/a.ts')
    const grep = parser.events.filter((event) => event.type === 'user')[1] as {
      message: { content: { content: string; is_error: boolean }[] }
    }
    expect(grep.message.content[0]).toMatchObject({ content: 'no rg', is_error: true })

    const cut = parse(
      lines(
        { type: 'init', model: 'm' },
        { type: 'message', role: 'assistant', content: 'half', delta: true },
      ),
    )
    expect(cut.metrics()).toMatchObject({ turns: 1, finalMessage: 'half' })
  })

  describe('run through a sandbox (a stand-in that replays a real transcript)', () => {
    let sandbox: Sandbox
    beforeAll(async () => {
      sandbox = await createLocalSandbox({ label: 'gemini-unit' })
      await sandbox.writeFile('ok.ndjson', fixture('notes-task.ndjson'))
      await sandbox.writeFile('fail.ndjson', fixture('upstream-500.ndjson'))
    })
    afterAll(async () => {
      delete process.env.GEMINI_API_KEY
      await sandbox.dispose()
    })

    const standIn = (file: string, exit: number) => [
      'sh',
      '-c',
      `cat "$HOME/.gemini/settings.json" >&2; echo "url: $GOOGLE_GEMINI_BASE_URL" >&2; [ "$GEMINI_API_KEY" = evalbox-dummy ] && echo key-ok >&2; echo "last: $(eval echo \\\${$#})" >&2; cat ${file}; exit ${exit}`,
      'gemini',
    ]

    test('the gateway goes into the environment, the settings into a fresh HOME; the run reads as success', async () => {
      // A host key the default allowlist copies never wins over the gateway's stand-in.
      process.env.GEMINI_API_KEY = 'host-real-key'
      const ctx = {
        ...recordingContext(sandbox, { prompt: 'Do the notes-task.' }),
        models: { baseUrl: 'http://127.0.0.1:4555/c/tok/', apiKey: 'evalbox-dummy' },
      }
      const result = await geminiCli({ command: standIn('ok.ndjson', 0) }).run(ctx)
      expect(result).toMatchObject({ exitReason: 'success', output: 'All done: notes.txt written and read.' })
      const log = ctx.logText()
      expect(log).toContain('"selectedType": "gemini-api-key"')
      expect(log).toContain('url: http://127.0.0.1:4555/c/tok\n')
      expect(log).toContain('key-ok')
      expect(log).toContain('last: --prompt=Do the notes-task.')
    })

    test('an API error is the exit code, and agent_error when Gemini CLI exits 0 all the same', async () => {
      const models = { baseUrl: 'http://127.0.0.1:4555/c/tok', apiKey: 'evalbox-dummy' }
      const failed = await geminiCli({ command: standIn('fail.ndjson', 1) }).run({
        ...recordingContext(sandbox),
        models,
      })
      expect(failed.exitReason).toBe('exit_code_1')
      const quiet = await geminiCli({ command: standIn('fail.ndjson', 0) }).run({
        ...recordingContext(sandbox),
        models,
      })
      expect(quiet.exitReason).toBe('agent_error')
    })
  })
})
