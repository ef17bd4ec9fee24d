import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createLocalSandbox } from '../sandbox/local/local-sandbox.ts'
import type { Sandbox } from '../sandbox/types.ts'
import { opencodeDialect } from '../transcript/dialects/opencode.ts'
import { createTranscriptParser } from '../transcript/index.ts'
import { opencode, opencodeCommand, opencodeConfig, opencodeRunEnv } from './opencode.ts'
import { recordingContext } from './test-support.ts'

/** Real opencode 1.18.33 output against the scripted upstream (opencode.cli.test.ts). */
const captured = (name: string) => new URL(`./__fixtures__/opencode/${name}.ndjson`, import.meta.url)

// Prints a captured transcript and exits with the given code, whatever else it is passed.
const REPLAY = `const fs = require('fs')
fs.writeFileSync(__dirname + '/seen.json', JSON.stringify({ env: process.env, argv: process.argv.slice(2) }))
process.stdout.write(fs.readFileSync(process.argv[2]))
process.exitCode = Number(process.argv[3])`

const GATEWAY = { models: { baseUrl: 'http://127.0.0.1:4555/c/t', apiKey: 'evalbox-stand-in' } }

describe('agents.opencode', () => {
  test('builds `opencode run --format json --auto -- {prompt}`; --model only without the gateway', () => {
    expect(opencodeCommand()).toEqual(['opencode', 'run', '--format', 'json', '--auto', '--', '{prompt}'])
    expect(
      opencodeCommand({ model: 'anthropic/claude-sonnet-4-6', extraArgs: ['--log-level', 'WARN'] }),
    ).toEqual([
      'opencode',
      'run',
      '--format',
      'json',
      '--auto',
      '--model',
      'anthropic/claude-sonnet-4-6',
      '--log-level',
      'WARN',
      '--',
      '{prompt}',
    ])
    expect(opencodeCommand({ model: 'gpt-4.1' }, true)).not.toContain('--model')
  })

  test('refuses unknown and bad options by name', () => {
    expect(() => opencode({ maxTurn: 3 } as never)).toThrow(/maxTurn/)
    expect(() => opencode({ timeoutMs: -1 })).toThrow(/timeoutMs/)
    expect(() => opencodeCommand({ model: '' })).toThrow(/model/)
  })

  test('with the gateway: a custom OpenAI-compatible provider at <baseUrl>/v1, its model selected; quiet env', () => {
    expect(opencodeConfig(GATEWAY, { model: 'm1' })).toEqual({
      autoupdate: false,
      share: 'disabled',
      model: 'evalbox/m1',
      provider: {
        evalbox: {
          npm: '@ai-sdk/openai-compatible',
          name: 'evalbox gateway',
          options: { baseURL: 'http://127.0.0.1:4555/c/t/v1', apiKey: 'evalbox-stand-in' },
          models: { m1: { name: 'm1' } },
        },
      },
    })
    expect(opencodeConfig({})).toEqual({ autoupdate: false, share: 'disabled' })
    const env = opencodeRunEnv(GATEWAY)
    expect(env).toMatchObject({
      npm_config_registry: 'http://127.0.0.1:9/',
      OPENCODE_DISABLE_AUTOUPDATE: '1',
      OPENCODE_DISABLE_MODELS_FETCH: '1',
    })
    expect(JSON.parse(env.OPENCODE_CONFIG_CONTENT!).model).toBe('evalbox/gpt-4.1')
  })

  test('the dialect: tool calls and results, one turn per step, a result summed from the steps', async () => {
    const parser = createTranscriptParser({ dialect: opencodeDialect({ model: 'evalbox/scripted-model' }) })
    parser.push(await readFile(captured('write-shell-answer')))
    parser.end()
    const types = parser.events.map((event) => event.type)
    expect(types[0]).toBe('system')
    expect(types.filter((type) => type === 'user')).toHaveLength(2)
    expect(parser.events.at(-1)).toEqual({
      type: 'result',
      subtype: 'success',
      is_error: false,
      num_turns: 3,
      result: 'Done: notes.txt holds the greeting.',
      usage: {
        input_tokens: 23329,
        output_tokens: 88,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
      },
    })
    const results = parser.events.filter((event) => event.type === 'user')
    expect(JSON.stringify(results[1])).toContain('hello from the script\\nshell-ran-42')
  })

  describe('on real captured output', () => {
    let sandbox: Sandbox
    beforeAll(async () => {
      sandbox = await createLocalSandbox({ label: 'opencode' })
      await sandbox.writeFile('bin/replay.js', REPLAY)
      for (const name of ['write-shell-answer', 'api-error-500'])
        await sandbox.writeFile(`bin/${name}.ndjson`, await readFile(captured(name)))
    })
    afterAll(async () => {
      await sandbox.dispose()
    })
    const replay = (name: string, exitCode = 0) =>
      opencode({
        model: 'scripted-model',
        command: [
          'node',
          `${sandbox.workdir}/bin/replay.js`,
          `${sandbox.workdir}/bin/${name}.ndjson`,
          String(exitCode),
        ],
      })

    test('a write, a shell call and an answer: common tool names, turns, tokens, model', async () => {
      const result = await replay('write-shell-answer').run({ ...recordingContext(sandbox), ...GATEWAY })
      expect(result.exitReason).toBe('success')
      expect(result.output).toBe('Done: notes.txt holds the greeting.')
      expect(result.metrics).toMatchObject({
        turns: 3,
        toolSummary: { Write: 1, Bash: 1 },
        lastToolCall: 'Bash(cat notes.txt && echo shell-ran-$((6*7)))',
        tokens: { input: 23329, output: 88, cacheRead: 0, cacheWrite: 0 },
        model: 'evalbox/scripted-model',
        finalMessage: 'Done: notes.txt holds the greeting.',
      })
      const seen = JSON.parse((await sandbox.readFile('bin/seen.json')).toString())
      expect(seen.argv.slice(-2)).toEqual(['--', 'Do the task.'])
      expect(seen.env.HOME).toMatch(/\/evalbox-home\.[^/]+$/)
      expect(JSON.parse(seen.env.OPENCODE_CONFIG_CONTENT).provider.evalbox.options.baseURL).toBe(
        'http://127.0.0.1:4555/c/t/v1',
      )
    })

    test('the error event opencode ends with after its retries (exit 1) is agent_error', async () => {
      const result = await replay('api-error-500', 1).run(recordingContext(sandbox))
      expect(result.exitCode).toBe(1)
      expect(result.exitReason).toBe('agent_error')
      expect(result.output).toBe('scripted upstream: failing on purpose')
      expect(result.metrics).toMatchObject({ turns: 0, tokens: { input: 0, output: 0 } })
    })
  })
})
