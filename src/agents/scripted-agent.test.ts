import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createLocalSandbox } from '../sandbox/local/local-sandbox.ts'
import type { Sandbox } from '../sandbox/types.ts'
import { parseTranscript } from '../transcript/index.ts'
import { scripted } from './scripted-agent.ts'
import { recordingContext } from './test-support.ts'

describe('agents.scripted', () => {
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await createLocalSandbox({ label: 'scripted' })
  })
  afterAll(async () => {
    await sandbox.dispose()
  })

  test('performs its steps in the sandbox and emits a transcript parsed like a real one', async () => {
    const agent = scripted([
      { write: 'src/page.js', content: 'export const end = (start, size) => start + size - 1\n' },
      { edit: 'src/page.js', find: 'start + size - 1', replace: 'start + size' },
      { run: 'cat src/page.js', expectExit: 0 },
      { run: ['sh', '-c', 'echo "$1" > note.txt', 'sh', 'it works'] },
      { say: 'The slice end is fixed.' },
      { finish: 'Fixed the off-by-one.' },
    ])
    const ctx = recordingContext(sandbox)
    const result = await agent.run(ctx)
    expect((await sandbox.readFile('src/page.js')).toString()).toBe(
      'export const end = (start, size) => start + size\n',
    )
    expect((await sandbox.readFile('note.txt')).toString()).toBe('it works\n')
    expect(agent.agentName).toBe('scripted')
    expect(result).toMatchObject({ output: 'Fixed the off-by-one.', exitReason: 'success' })
    expect(result.metrics).toMatchObject({
      turns: 6,
      toolSummary: { Write: 1, Edit: 1, Bash: 2 },
      lastToolCall: "Bash(sh -c 'echo \"$1\" > note.txt' sh 'it works')",
      costUsd: 0,
      tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
      model: 'scripted',
      finalMessage: 'Fixed the off-by-one.',
    })
    // The same run-dir files as every agent: the prompt, as given, and the transcript.
    expect(ctx.kept.get('prompt.md')).toBe('Do the task.')
    const events = parseTranscript(ctx.kept.get('transcript.ndjson')!)
    expect(events.map((event) => event.type)).toEqual([
      'system',
      ...['assistant', 'user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user'],
      'assistant',
      'assistant',
      'result',
    ])
    expect(events[events.length - 1]).toMatchObject({ subtype: 'success', num_turns: 6, total_cost_usd: 0 })
    const catResult = events[6] as { message: { content: { content: string; is_error: boolean }[] } }
    expect(catResult.message.content[0]).toMatchObject({
      content: 'export const end = (start, size) => start + size\n',
      is_error: false,
    })
    expect(ctx.logText()).toContain('> Edit(src/page.js)')
  })

  test('an edit whose text is absent fails the run clearly and stops it', async () => {
    await sandbox.writeFile('keep.txt', 'original\n')
    const agent = scripted([
      { edit: 'keep.txt', find: 'missing text', replace: 'x' },
      { write: 'never.txt', content: 'no' },
    ])
    const ctx = recordingContext(sandbox)
    const result = await agent.run(ctx)
    expect(result.exitReason).toBe('agent_error')
    expect(result.error).toMatch(
      /^step 1 \(edit keep\.txt\): the text to find is not in .*keep\.txt: "missing text"/,
    )
    expect((await sandbox.readFile('keep.txt')).toString()).toBe('original\n')
    await expect(sandbox.readFile('never.txt')).rejects.toThrow()
    const events = parseTranscript(ctx.kept.get('transcript.ndjson')!)
    expect(events[events.length - 1]).toMatchObject({
      type: 'result',
      subtype: 'error_during_execution',
      is_error: true,
    })
    expect(result.metrics).toMatchObject({ turns: 1, lastToolCall: 'Edit(keep.txt)' })
  })

  test('a run step with another exit code than expected fails the run', async () => {
    const result = await scripted([{ run: 'exit 4', expectExit: 0 }, { finish: 'unreachable' }]).run(
      recordingContext(sandbox),
    )
    expect(result).toMatchObject({
      exitReason: 'agent_error',
      error: 'step 1 (run exit 4): expected exit code 0, got 4',
    })
    expect(result.output).toBe('')
  })

  test('a timeout mid-run stops at the current step and reports the turn', { timeout: 15_000 }, async () => {
    const agent = scripted([
      { say: 'Looking around.' },
      { run: 'true' },
      { wait: 60_000 },
      { write: 'late.txt', content: 'too late' },
      { finish: 'never' },
    ])
    const ctx = recordingContext(sandbox, { timeoutMs: 300 })
    const result = await agent.run(ctx)
    expect(result.exitReason).toBe('timeout')
    expect(result.metrics).toMatchObject({ turns: 2, timeoutAtTurn: 2, lastToolCall: 'Bash(true)' })
    await expect(sandbox.readFile('late.txt')).rejects.toThrow()
    expect(ctx.kept.get('transcript.ndjson')).not.toContain('"type":"result"')
  })

  test('a command running when the case is canceled is stopped, and the run is canceled', {
    timeout: 15_000,
  }, async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(new Error('canceled')), 300)
    const result = await scripted([{ run: 'sleep 30' }, { finish: 'never' }]).run(
      recordingContext(sandbox, { signal: controller.signal }),
    )
    expect(result.exitReason).toBe('canceled')
    expect(result.metrics!.timeoutAtTurn).toBeUndefined()
  })

  test('function steps get the context and show up as tool calls', async () => {
    const seen: string[] = []
    const agent = scripted(
      [
        async function readPrompt(ctx) {
          seen.push(ctx.prompt)
          await ctx.sandbox.writeFile('from-fn.txt', ctx.prompt)
        },
        { finish: 'ok' },
      ],
      { name: 'my-script', model: 'fake-model' },
    )
    const result = await agent.run(recordingContext(sandbox, { prompt: 'hello' }))
    expect(seen).toEqual(['hello'])
    expect((await sandbox.readFile('from-fn.txt')).toString()).toBe('hello')
    expect(agent.agentName).toBe('my-script')
    expect(result.metrics).toMatchObject({ toolSummary: { Function: 1 }, model: 'fake-model' })
  })

  test('a function step that throws fails the run with its message', async () => {
    const result = await scripted([
      () => {
        throw new Error('custom failure')
      },
    ]).run(recordingContext(sandbox))
    expect(result).toMatchObject({
      exitReason: 'agent_error',
      error: 'step 1 (function anonymous): custom failure',
    })
  })

  test('rejects malformed steps at definition time', () => {
    expect(() => scripted([{ finish: 'done' }, { say: 'after' }])).toThrow(
      /`steps\[0\]` .* is not the last step/,
    )
    expect(() => scripted([{ jump: 'x' } as never])).toThrow(/`steps\[0\]` .*is not a step/)
    expect(() => scripted([{ edit: 'a', find: '', replace: 'b' }])).toThrow(
      /`steps\[0\].find` must not be empty, got `""`/,
    )
    expect(() => scripted([{ wait: -1 }])).toThrow(
      /`steps\[0\].wait` must be a non-negative number of milliseconds, got `-1`/,
    )
  })
})
