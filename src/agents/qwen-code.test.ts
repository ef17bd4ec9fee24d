import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createLocalSandbox } from '../sandbox/local/local-sandbox.ts'
import type { Sandbox } from '../sandbox/types.ts'
import { qwenCode, qwenCodeCommand, qwenCodeRunEnv } from './qwen-code.ts'
import { recordingContext } from './test-support.ts'

/** Real Qwen Code 0.15.10 output against the scripted upstream (qwen-code.cli.test.ts). */
const captured = (name: string) => new URL(`./__fixtures__/qwen-code/${name}.ndjson`, import.meta.url)

// Prints a captured transcript and exits with the given code, whatever else it is passed;
// records its environment and the HOME it was given.
const REPLAY = `const fs = require('fs')
fs.writeFileSync(__dirname + '/seen.json', JSON.stringify({ env: process.env, argv: process.argv.slice(2),
  settings: fs.readFileSync(process.env.HOME + '/.qwen/settings.json', 'utf8') }))
process.stdout.write(fs.readFileSync(process.argv[2]))
process.exitCode = Number(process.argv[3])`

describe('agents.qwenCode', () => {
  test('builds a headless stream-json command, the prompt on stdin', () => {
    expect(qwenCodeCommand()).toEqual([
      'qwen',
      '--auth-type',
      'openai',
      '--output-format',
      'stream-json',
      '--yolo',
    ])
    expect(
      qwenCodeCommand({
        command: ['npx', 'qwen'],
        model: 'qwen3-coder',
        maxTurns: 9,
        extraArgs: ['--debug'],
      }),
    ).toEqual([
      'npx',
      'qwen',
      '--auth-type',
      'openai',
      '--output-format',
      'stream-json',
      '--yolo',
      '--model',
      'qwen3-coder',
      '--max-session-turns',
      '{maxTurns}',
      '--debug',
    ])
  })

  test('refuses unknown and bad options by name', () => {
    expect(() => qwenCode({ modle: 'x' } as never)).toThrow(/modle/)
    expect(() => qwenCode({ maxTurns: 0 })).toThrow(/maxTurns/)
    expect(() => qwenCodeCommand({ command: [] })).toThrow(/command/)
  })

  test('the gateway is the endpoint: <baseUrl>/v1 and the stand-in key; else the host variables', () => {
    const saved = process.env.OPENAI_API_KEY
    process.env.OPENAI_API_KEY = 'sk-host'
    try {
      expect(
        qwenCodeRunEnv({ models: { baseUrl: 'http://127.0.0.1:4555/c/t/', apiKey: 'stand-in' } }),
      ).toEqual({
        QWEN_CODE_DISABLE_PRECONNECT: '1',
        OPENAI_BASE_URL: 'http://127.0.0.1:4555/c/t/v1',
        OPENAI_API_KEY: 'stand-in',
      })
      expect(qwenCodeRunEnv({})).toMatchObject({ OPENAI_API_KEY: 'sk-host' })
      expect(qwenCodeRunEnv({}, { env: [] })).not.toHaveProperty('OPENAI_API_KEY')
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY
      else process.env.OPENAI_API_KEY = saved
    }
  })

  describe('on real captured output', () => {
    let sandbox: Sandbox
    beforeAll(async () => {
      sandbox = await createLocalSandbox({ label: 'qwen-code' })
      await sandbox.writeFile('bin/replay.js', REPLAY)
      for (const name of ['write-shell-answer', 'api-error-500', 'max-turns-1'])
        await sandbox.writeFile(`bin/${name}.ndjson`, await readFile(captured(name)))
    })
    afterAll(async () => {
      await sandbox.dispose()
    })
    const replay = (name: string, exitCode = 0) =>
      qwenCode({
        command: [
          'node',
          `${sandbox.workdir}/bin/replay.js`,
          `${sandbox.workdir}/bin/${name}.ndjson`,
          String(exitCode),
        ],
      })

    test('a write, a shell call and an answer: common tool names, turns, tokens, model', async () => {
      const ctx = {
        ...recordingContext(sandbox),
        models: { baseUrl: 'http://127.0.0.1:4555/c/t', apiKey: 'evalbox-stand-in' },
      }
      const result = await replay('write-shell-answer').run(ctx)
      expect(result.exitReason).toBe('success')
      expect(result.output).toBe('Done: notes.txt holds the greeting.')
      expect(result.metrics).toMatchObject({
        turns: 3,
        toolSummary: { Write: 1, Bash: 1 },
        lastToolCall: 'Bash(cat notes.txt && echo shell-ran-$((6*7)))',
        tokens: { input: 58464, output: 81, cacheRead: 0 },
        model: 'qwen-test',
        finalMessage: 'Done: notes.txt holds the greeting.',
      })
      const seen = JSON.parse((await sandbox.readFile('bin/seen.json')).toString())
      expect(seen.env).toMatchObject({
        OPENAI_BASE_URL: 'http://127.0.0.1:4555/c/t/v1',
        OPENAI_API_KEY: 'evalbox-stand-in',
      })
      expect(seen.env.HOME).toMatch(/\/evalbox-home\.[^/]+$/)
      expect(JSON.parse(seen.settings)).toMatchObject({
        privacy: { usageStatisticsEnabled: false },
        telemetry: { enabled: false },
        general: { enableAutoUpdate: false },
        model: { generationConfig: { maxRetries: 1 } },
      })
    })

    test('its own turn limit (exit code 53, no result event) is error_max_turns', async () => {
      const result = await replay('max-turns-1', 53).run(recordingContext(sandbox))
      expect(result.exitReason).toBe('error_max_turns')
      expect(result.metrics).toMatchObject({
        turns: 1,
        toolSummary: { Write: 1 },
        lastToolCall: 'Write(notes.txt)',
      })
    })

    test('the [API Error] answer Qwen Code gives after its retries, with exit code 0, is agent_error', async () => {
      const result = await replay('api-error-500').run(recordingContext(sandbox))
      expect(result.exitCode).toBe(0)
      expect(result.exitReason).toBe('agent_error')
      expect(result.output).toBe('[API Error: 500 scripted upstream: failing on purpose]')
      expect(result.metrics).toMatchObject({ turns: 1, tokens: { input: 0, output: 0 } })
    })
  })
})
