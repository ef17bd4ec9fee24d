import { readFile } from 'node:fs/promises'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { EvalboxError } from '../core/errors.ts'
import { createLocalSandbox } from '../sandbox/local/local-sandbox.ts'
import type { Sandbox } from '../sandbox/types.ts'
import { cliAgent } from './cli-agent.ts'
import { recordingContext } from './test-support.ts'

const fixture = (name: string) => new URL(`../transcript/__fixtures__/${name}`, import.meta.url)

describe('agents.cli', () => {
  let sandbox: Sandbox
  const saved = { ...process.env }
  beforeAll(async () => {
    sandbox = await createLocalSandbox({ label: 'cli-agent' })
    await sandbox.writeFile('replay.js', "process.stdout.write(require('fs').readFileSync(process.argv[2]))")
  })
  afterAll(async () => {
    await sandbox.dispose()
  })
  afterEach(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name]
  })

  test('pipes the prompt on stdin and returns trimmed stdout without a transcript', async () => {
    const agent = cliAgent({ command: ['sh', '-c', 'printf "  got: "; cat; echo'] })
    const ctx = recordingContext(sandbox, { prompt: 'fix {workdir} please' })
    const result = await agent.run(ctx)
    expect(agent.agentName).toBe('cli:sh')
    expect(result).toMatchObject({ output: 'got: fix {workdir} please', exitReason: 'success', exitCode: 0 })
    expect(result.metrics).toBeUndefined()
    expect(ctx.kept.get('prompt.md')).toBe('fix {workdir} please')
    expect(ctx.kept.has('transcript.ndjson')).toBe(false)
    expect(ctx.logText()).toContain('got: fix {workdir} please')
  })

  test('keeps maxOutputBytes of a stream-json flood and still counts every event', async () => {
    const line = (i: number) =>
      JSON.stringify({
        type: 'assistant',
        message: { id: `m${i}`, content: [{ type: 'tool_use', id: `t${i}`, name: 'Bash', input: {} }] },
      })
    await sandbox.writeFile('flood.ndjson', `${Array.from({ length: 5000 }, (_, i) => line(i)).join('\n')}\n`)
    const agent = cliAgent({
      command: ['node', 'replay.js', 'flood.ndjson'],
      transcript: 'stream-json',
      maxTurns: 4000,
    })
    const ctx = recordingContext(sandbox, { maxOutputBytes: 10_000 })
    const result = await agent.run(ctx)
    // The budget fires at turn 4001, far past the ~100 events kept; what was already written
    // is still drained and counted.
    expect(result).toMatchObject({
      exitReason: 'error_max_turns',
      error: expect.stringContaining('stopped at turn 4001'),
    })
    expect(result.metrics).toMatchObject({ turns: 5000, toolSummary: { Bash: 5000 } })
    expect(result.transcript!.length).toBeLessThan(200)
    expect(Buffer.byteLength(ctx.kept.get('transcript.ndjson')!)).toBeLessThanOrEqual(10_000)
    expect(result.outputTruncated).toMatchObject({
      transcript: expect.any(Number),
      events: expect.any(Number),
    })
  })

  test('substitutes {prompt} once, leaving placeholders inside the prompt alone', async () => {
    const agent = cliAgent({
      command: ['sh', '-c', 'IFS="|"; echo "$*"', 'sh', '--in={workdir}', '{prompt}'],
    })
    const result = await agent.run(recordingContext(sandbox, { prompt: 'a {maxTurns} b' }))
    expect(result.output).toBe(`--in=${sandbox.workdir}|a {maxTurns} b`)
  })

  test("appends the prompt when promptVia is 'arg' and the command has no {prompt}", async () => {
    const agent = cliAgent({ command: ['sh', '-c', 'echo "$1"', 'sh'], promptVia: 'arg' })
    expect((await agent.run(recordingContext(sandbox, { prompt: '-starts with a dash' }))).output).toBe(
      '-starts with a dash',
    )
  })

  test('writes the prompt to a file outside the workdir for {promptFile}', async () => {
    const agent = cliAgent({ command: ['sh', '-c', 'echo "$1"; cat "$1"', 'sh', '{promptFile}'] })
    const result = await agent.run(recordingContext(sandbox, { prompt: 'line one\nline two' }))
    const [path, ...text] = result.output.split('\n')
    expect(path!.startsWith('/')).toBe(true)
    expect(path!.startsWith(`${sandbox.workdir}/`)).toBe(false)
    expect(text.join('\n')).toBe('line one\nline two')
  })

  test('passes only allowlisted variables and redacts secrets from everything kept', async () => {
    const key = 'sk-test-0123456789abcdef'
    process.env.EVALBOX_TEST_API_KEY = key
    process.env.EVALBOX_TEST_HOST_ONLY = 'host-only-value'
    process.env.EVALBOX_TEST_PLAIN = 'plain-value-123'
    // The key is printed in two writes with a pause, so it straddles two output chunks.
    const script = `
      const fs = require('fs')
      const key = process.env.EVALBOX_TEST_API_KEY
      fs.writeFileSync('seen-key.txt', key)
      const line = (e) => JSON.stringify(e) + '\\n'
      process.stdout.write(line({ type: 'system', subtype: 'init', model: 'm', note: 'host-only=' + (process.env.EVALBOX_TEST_HOST_ONLY ?? 'absent') }))
      const text = line({ type: 'assistant', message: { id: 'a', content: [{ type: 'text', text: 'key ' + key }] } })
      const cut = text.indexOf(key) + 6
      process.stdout.write(text.slice(0, cut))
      setTimeout(() => {
        process.stdout.write(text.slice(cut))
        process.stdout.write(line({ type: 'result', subtype: 'success', num_turns: 1, result: 'used ' + key + ' and ' + process.env.EVALBOX_TEST_PLAIN }))
        process.stderr.write('stderr has ' + key + '\\n')
      }, 150)
    `
    await sandbox.writeFile('env-agent.js', script)
    const agent = cliAgent({
      command: ['node', 'env-agent.js'],
      transcript: 'stream-json',
      env: ['EVALBOX_TEST_API_KEY', 'EVALBOX_TEST_PLAIN', 'EVALBOX_TEST_NOT_SET'],
    })
    const ctx = recordingContext(sandbox, { prompt: `the key is ${key}` })
    const result = await agent.run(ctx)
    expect((await sandbox.readFile('seen-key.txt')).toString()).toBe(key)
    expect(result.exitReason).toBe('success')
    expect(result.output).toBe('used [REDACTED:EVALBOX_TEST_API_KEY] and plain-value-123')
    const everything = [JSON.stringify(result), ctx.logText(), ...ctx.kept.values()].join('\n')
    expect(everything).not.toContain(key)
    expect(ctx.kept.get('transcript.ndjson')).toContain('key [REDACTED:EVALBOX_TEST_API_KEY]')
    expect(ctx.kept.get('prompt.md')).toBe('the key is [REDACTED:EVALBOX_TEST_API_KEY]')
    expect(ctx.logText()).toContain('stderr has [REDACTED:EVALBOX_TEST_API_KEY]')
    expect(ctx.kept.get('transcript.ndjson')).toContain('host-only=absent')
  })

  test('names in `secrets` are redacted even when their names look harmless', async () => {
    const agent = cliAgent({
      command: ['sh', '-c', 'echo "value=$PLAIN_SETTING"'],
      env: { PLAIN_SETTING: 'not-obviously-secret' },
      secrets: ['PLAIN_SETTING'],
    })
    const ctx = recordingContext(sandbox)
    const result = await agent.run(ctx)
    expect(result.output).toBe('value=[REDACTED:PLAIN_SETTING]')
    expect(ctx.logText()).not.toContain('not-obviously-secret')
  })

  test('replays a finished Claude Code transcript into metrics, output and a kept copy', async () => {
    await sandbox.writeFile('success.ndjson', await readFile(fixture('success-tools.ndjson')))
    const agent = cliAgent({ command: ['node', 'replay.js', 'success.ndjson'], transcript: 'stream-json' })
    const ctx = recordingContext(sandbox)
    const result = await agent.run(ctx)
    expect(result.exitReason).toBe('success')
    expect(result.output).toMatch(/^Fixed the off-by-one/)
    expect(result.metrics).toMatchObject({
      turns: 7,
      toolSummary: { Bash: 2, Read: 1, Grep: 1, Edit: 1, Write: 1 },
      lastToolCall: 'Write(review.md)',
      model: 'claude-sonnet-4-6',
      costUsd: 0.06711495,
      tokens: { input: 39, output: 675, cacheRead: 111914, cacheWrite: 6213 },
    })
    expect(result.metrics!.firstResponseMs).toBeGreaterThanOrEqual(0)
    expect(ctx.kept.get('transcript.ndjson')).toBe(await readFile(fixture('success-tools.ndjson'), 'utf8'))
  })

  test('tolerates malformed lines in the transcript', async () => {
    await sandbox.writeFile('malformed.ndjson', await readFile(fixture('malformed-lines.ndjson')))
    const agent = cliAgent({ command: ['node', 'replay.js', 'malformed.ndjson'], transcript: 'stream-json' })
    const result = await agent.run(recordingContext(sandbox))
    expect(result).toMatchObject({ exitReason: 'success', output: 'Done: nothing to change.' })
    expect(result.metrics!.turns).toBe(1)
    expect(result.transcript!.some((event) => (event as { type?: string }).type === 'unparsed')).toBe(true)
  })

  test('a max-turns result event maps to error_max_turns', async () => {
    await sandbox.writeFile('max-turns.ndjson', await readFile(fixture('max-turns.ndjson')))
    const agent = cliAgent({ command: ['node', 'replay.js', 'max-turns.ndjson'], transcript: 'stream-json' })
    const result = await agent.run(recordingContext(sandbox))
    expect(result.exitReason).toBe('error_max_turns')
    expect(result.metrics).toMatchObject({ turns: 3, lastToolCall: 'Read(package.json)' })
  })

  test('a non-zero exit is exit_code_N with the stderr tail as error', async () => {
    const agent = cliAgent({ command: ['sh', '-c', 'echo partial; echo "boom: bad config" >&2; exit 3'] })
    const result = await agent.run(recordingContext(sandbox))
    expect(result).toMatchObject({
      exitReason: 'exit_code_3',
      exitCode: 3,
      output: 'partial',
      error: 'boom: bad config',
    })
  })

  test('a program that does not exist is exit_code_127', async () => {
    const agent = cliAgent({ command: ['evalbox-no-such-agent'] })
    const result = await agent.run(recordingContext(sandbox))
    expect(result.exitReason).toBe('exit_code_127')
    expect(result.error).toMatch(/command not found/)
  })

  test('rejects bad options at definition time, naming the value', () => {
    expect(() => cliAgent({ command: [] })).toThrow(/`command`.*\[\]/)
    expect(() => cliAgent({ command: ['a'], maxTurns: 0 })).toThrow(/`maxTurns`.*`0`/)
    expect(() => cliAgent({ command: ['a', '{maxTurns}'] })).toThrow(/set `maxTurns`/)
    expect(() => cliAgent({ command: ['a'], maxCostUsd: 1 })).toThrow(/transcript: 'stream-json'/)
    // A turn budget nobody watches or receives is no limit.
    expect(() => cliAgent({ command: ['a'], maxTurns: 2 })).toThrow(
      /`maxTurns` \(2\) is neither watched nor passed on: set transcript: 'stream-json'.*or put \{maxTurns\} in the command/,
    )
    expect(() => cliAgent({ command: ['a', '--turns={maxTurns}'], maxTurns: 2 })).not.toThrow()
    expect(() => cliAgent({ command: ['a'], env: ['NOT VALID'] })).toThrow(EvalboxError)
    expect(() => cliAgent({ command: ['a'], promptVia: 'pipe' as 'arg' })).toThrow(/`promptVia`.*"pipe"/)
  })
})
