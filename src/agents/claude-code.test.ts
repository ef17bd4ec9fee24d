import { readFile } from 'node:fs/promises'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { createLocalSandbox } from '../sandbox/local/local-sandbox.ts'
import type { Sandbox } from '../sandbox/types.ts'
import { claudeCode, claudeCodeCommand } from './claude-code.ts'
import { recordingContext } from './test-support.ts'

const fixture = (name: string) => new URL(`../transcript/__fixtures__/${name}`, import.meta.url)
/** Real Claude Code 2.1.197 output against the scripted upstream (claude-code.cli.test.ts). */
const captured = (name: string) => new URL(`./__fixtures__/claude-code/${name}.ndjson`, import.meta.url)

// Stands in for the `claude` CLI: records how it was called, then prints a recorded
// stream-json transcript line by line.
const FAKE_CLAUDE = `#!/usr/bin/env node
const fs = require('fs')
const path = require('path')
let stdin = ''
process.stdin.on('data', (d) => { stdin += d })
process.stdin.on('end', () => {
  const env = {}
  for (const name of ['IS_SANDBOX', 'ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_MODEL', 'EVALBOX_TEST_UNLISTED']) env[name] = process.env[name] ?? null
  fs.writeFileSync(path.join(__dirname, 'call.json'), JSON.stringify({ argv: process.argv.slice(2), stdin, env, allEnv: process.env, cwd: process.cwd() }))
  process.exitCode = Number(process.env.FAKE_EXIT || 0)
  const lines = fs.readFileSync(path.join(__dirname, process.env.FAKE_TRANSCRIPT || 'transcript.ndjson'), 'utf8').split('\\n')
  let i = 0
  const next = () => {
    if (i >= lines.length) return
    process.stdout.write(lines[i] + (i < lines.length - 1 ? '\\n' : ''))
    i++
    setTimeout(next, 2)
  }
  next()
})
`

describe('agents.claudeCode', () => {
  test('builds a print-mode stream-json command', () => {
    expect(claudeCodeCommand()).toEqual([
      'claude',
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--permission-mode',
      'bypassPermissions',
    ])
    expect(
      claudeCodeCommand({
        command: ['npx', '@anthropic-ai/claude-code'],
        model: 'sonnet',
        maxTurns: 12,
        maxCostUsd: 0.5,
        allowedTools: ['Read', 'Bash(git log:*)'],
        permissionMode: 'acceptEdits',
        extraArgs: ['--append-system-prompt', 'Be brief.'],
        promptVia: 'arg',
      }),
    ).toEqual([
      'npx',
      '@anthropic-ai/claude-code',
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--max-turns',
      '{maxTurns}',
      '--max-budget-usd',
      '0.5',
      '--model',
      'sonnet',
      '--permission-mode',
      'acceptEdits',
      '--allowedTools',
      'Read',
      'Bash(git log:*)',
      '--append-system-prompt',
      'Be brief.',
      '--',
      '{prompt}',
    ])
    expect(() => claudeCodeCommand({ permissionMode: 'yolo' as 'plan' })).toThrow(/`permissionMode`.*"yolo"/)
  })

  describe('against a fake claude executable', () => {
    let sandbox: Sandbox
    let bin: string
    const saved = { ...process.env }
    beforeAll(async () => {
      sandbox = await createLocalSandbox({ label: 'claude-code' })
      await sandbox.writeFile('bin/claude', FAKE_CLAUDE)
      await sandbox.writeFile('bin/transcript.ndjson', await readFile(fixture('success-tools.ndjson')))
      await sandbox.writeFile('bin/max-turns.ndjson', await readFile(fixture('max-turns.ndjson')))
      for (const name of ['write-shell-answer', 'api-error-500'])
        await sandbox.writeFile(`bin/${name}.ndjson`, await readFile(captured(name)))
      expect((await sandbox.exec(['chmod', '+x', 'bin/claude'])).exitCode).toBe(0)
      bin = `${sandbox.workdir}/bin/claude`
    })
    afterAll(async () => {
      await sandbox.dispose()
    })
    afterEach(() => {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name]
      Object.assign(process.env, saved)
    })
    const call = async () => JSON.parse((await sandbox.readFile('bin/call.json')).toString())

    test('runs the real code path: stdin prompt, env allowlist, metrics, redaction', async () => {
      const key = 'sk-ant-test-abcdefghijklmnop'
      process.env.ANTHROPIC_API_KEY = key
      process.env.ANTHROPIC_MODEL = 'claude-sonnet-4-6'
      delete process.env.ANTHROPIC_BASE_URL
      process.env.EVALBOX_TEST_UNLISTED = 'should-not-leak'
      const agent = claudeCode({ command: [bin], maxTurns: 20, model: 'sonnet' })
      const ctx = recordingContext(sandbox, { prompt: `Fix paginate(). (key: ${key})` })
      const result = await agent.run(ctx)

      const seen = await call()
      expect(seen.argv).toEqual([
        '-p',
        '--output-format',
        'stream-json',
        '--verbose',
        '--max-turns',
        '20',
        '--model',
        'sonnet',
        '--permission-mode',
        'bypassPermissions',
      ])
      expect(seen.stdin).toBe(`Fix paginate(). (key: ${key})`)
      expect(seen.cwd).toBe(sandbox.workdir)
      expect(seen.env).toEqual({
        IS_SANDBOX: '1',
        ANTHROPIC_API_KEY: key,
        ANTHROPIC_BASE_URL: null,
        ANTHROPIC_MODEL: 'claude-sonnet-4-6',
        EVALBOX_TEST_UNLISTED: null,
      })
      expect(agent.agentName).toBe('claude-code')
      expect(result.exitReason).toBe('success')
      expect(result.output).toMatch(/^Fixed the off-by-one in `paginate\(\)`/)
      expect(result.metrics).toMatchObject({
        turns: 7,
        toolSummary: { Bash: 2, Read: 1, Grep: 1, Edit: 1, Write: 1 },
        lastToolCall: 'Write(review.md)',
        costUsd: 0.06711495,
        model: 'claude-sonnet-4-6',
      })
      expect(result.metrics!.maxInterTurnMs).toBeGreaterThanOrEqual(0)
      expect(ctx.kept.get('prompt.md')).toBe('Fix paginate(). (key: [REDACTED:ANTHROPIC_API_KEY])')
      expect(ctx.kept.get('transcript.ndjson')).toContain('"num_turns":7')
      expect(ctx.logText()).not.toContain(key)
    })

    test('passes the prompt as the last argument after -- when asked', async () => {
      const agent = claudeCode({ command: [bin], promptVia: 'arg', permissionMode: 'acceptEdits', env: [] })
      const result = await agent.run(recordingContext(sandbox, { prompt: '--not-a-flag' }))
      const seen = await call()
      expect(seen.argv.slice(-4)).toEqual(['--permission-mode', 'acceptEdits', '--', '--not-a-flag'])
      expect(seen.stdin).toBe('')
      expect(seen.env.IS_SANDBOX).toBeNull()
      expect(result.exitReason).toBe('success')
    })

    test("with the run's gateway: its URL and stand-in key only, quiet, scratch files in a fresh HOME", async () => {
      process.env.ANTHROPIC_API_KEY = 'sk-ant-host-key-abcdefghijkl'
      process.env.ANTHROPIC_MODEL = 'claude-host-model'
      process.env.ANTHROPIC_BASE_URL = 'https://api.anthropic.com'
      const agent = claudeCode({ command: [bin] })
      const ctx = {
        ...recordingContext(sandbox),
        models: { baseUrl: 'http://127.0.0.1:4555/c/tok123', apiKey: 'evalbox-stand-in' },
      }
      expect((await agent.run(ctx)).exitReason).toBe('success')
      const { env, allEnv } = await call()
      expect(env).toMatchObject({
        IS_SANDBOX: '1',
        ANTHROPIC_API_KEY: 'evalbox-stand-in',
        ANTHROPIC_BASE_URL: 'http://127.0.0.1:4555/c/tok123',
        ANTHROPIC_MODEL: null,
      })
      expect(allEnv).toMatchObject({
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_AUTOUPDATER: '1',
      })
      expect(allEnv.HOME).toMatch(/\/\.?evalbox-home\.[^/]+$/)
      expect(allEnv.HOME.startsWith(sandbox.workdir)).toBe(false)
      expect(allEnv.CLAUDE_CODE_TMPDIR).toBe(`${allEnv.HOME}/.tmp`)
      expect(JSON.stringify(allEnv)).not.toContain('sk-ant-host-key')
    })

    test('reads real Claude Code output: metrics of a write, a shell call and an answer', async () => {
      const agent = claudeCode({ command: [bin], env: ['FAKE_TRANSCRIPT=write-shell-answer.ndjson'] })
      const result = await agent.run(recordingContext(sandbox))
      expect(result.exitReason).toBe('success')
      expect(result.output).toBe('Done: notes.txt holds the greeting.')
      expect(result.metrics).toMatchObject({
        turns: 3,
        toolSummary: { Write: 1, Bash: 1 },
        lastToolCall: 'Bash(cat notes.txt && echo shell-ran-$((6*7)))',
        // The result event's totals: the assistant events carry message_start's usage only.
        tokens: { input: 57612, output: 82, cacheRead: 0, cacheWrite: 0 },
        costUsd: 0.29011,
        model: 'claude-opus-4-8[1m]',
        finalMessage: 'Done: notes.txt holds the greeting.',
      })
    })

    test('an API error Claude Code gave up on (exit 1, result is_error with the status) is agent_error', async () => {
      const agent = claudeCode({
        command: [bin],
        env: ['FAKE_TRANSCRIPT=api-error-500.ndjson', 'FAKE_EXIT=1'],
      })
      const result = await agent.run(recordingContext(sandbox))
      expect(result.exitCode).toBe(1)
      expect(result.exitReason).toBe('agent_error')
      expect(result.output).toMatch(/^API Error: 500 scripted upstream: failing on purpose/)
      // Without the status, exit code 1 stays what it is.
      const plain = claudeCode({ command: [bin], env: ['FAKE_EXIT=1'] })
      expect((await plain.run(recordingContext(sandbox))).exitReason).toBe('exit_code_1')
    })

    test("Claude Code's own max-turns stop is error_max_turns", async () => {
      const agent = claudeCode({ command: [bin], maxTurns: 2, env: ['FAKE_TRANSCRIPT=max-turns.ndjson'] })
      const result = await agent.run(recordingContext(sandbox))
      expect(result.exitReason).toBe('error_max_turns')
      expect(result.metrics).toMatchObject({
        turns: 3,
        costUsd: 0.012784,
        lastToolCall: 'Read(package.json)',
      })
    })
  })
})
