import { describe, expect, test } from 'vitest'
import { scripted } from '../agents/scripted-agent.ts'
import type { AgentResult } from '../agents/types.ts'
import { createLocalSandbox } from '../sandbox/local/local-sandbox.ts'
import { graderContext } from './test-support.ts'
import { fuzzyMatches, toolCalls } from './tool-calls.ts'

function transcript(calls: Array<[string, Record<string, unknown>]>): AgentResult {
  return {
    output: 'done',
    exitReason: 'success',
    transcript: [
      { type: 'system', subtype: 'init', cwd: '/work' },
      ...calls.map(([name, input], i) => ({
        type: 'assistant',
        message: { id: `m${i}`, content: [{ type: 'tool_use', id: `t${i}`, name, input }] },
      })),
      { type: 'result', subtype: 'success', result: 'done' },
    ],
  }
}

const agent = transcript([
  ['Read', { file_path: '/work/src/paginate.js' }],
  ['Bash', { command: 'npm test -- --run' }],
  ['Edit', { file_path: '/work/src/paginate.js', old_string: '<=', new_string: '<' }],
  ['Bash', { command: 'npm test' }],
])
const grade = (expected: Parameters<typeof toolCalls>[0], options?: Parameters<typeof toolCalls>[1]) =>
  toolCalls(expected, options)(graderContext('done', { agent }))

describe('toolCalls', () => {
  test('matches names and fuzzy params, gives partial credit and names what is missing', async () => {
    expect(await grade(['Read', { name: 'Edit', params: { file_path: 'paginate.js' } }])).toMatchObject({
      score: 1,
      pass: true,
    })
    const partial = await grade(['Read', { name: 'Write', params: { file_path: 'review.md' } }, /^Bash$/])
    expect(partial).toMatchObject({ score: 2 / 3, pass: false })
    expect(partial.explanation).toBe(
      'matched 2/3 expected tool calls; missing: Write("file_path":"review.md"); 2 other calls',
    )
    expect((await grade(['Read', 'Write'], { requireAll: false })).pass).toBe(true)
  })

  test('ordered matching is a subsequence match', async () => {
    expect((await grade(['Read', 'Edit', 'Bash'], { ordered: true })).pass).toBe(true)
    const wrong = await grade(['Edit', 'Read'], { ordered: true })
    expect(wrong).toMatchObject({ score: 0.5, pass: false })
    expect(wrong.explanation).toContain('in order; missing: Edit')
  })

  test('strict params need deep equality; regexes test string values', async () => {
    expect(
      (await grade([{ name: 'Bash', params: { command: 'npm test' } }], { params: 'strict' })).pass,
    ).toBe(true)
    expect(
      (await grade([{ name: 'Edit', params: { file_path: 'paginate.js' } }], { params: 'strict' })).pass,
    ).toBe(false)
    expect((await grade([{ name: 'Bash', params: { command: /--run$/ } }])).pass).toBe(true)
    expect(fuzzyMatches({ a: { b: 'x' } }, { a: { b: 'xyz', c: 1 } })).toBe(true)
    expect(fuzzyMatches({ n: 1 }, { n: '1' })).toBe(false)
  })

  test('without allowExtras, unexpected calls cost score and fail the grade', async () => {
    const g = await grade(['Read', 'Edit'], { allowExtras: false })
    expect(g.score).toBe(0)
    expect(g.pass).toBe(false)
    expect(g.explanation).toContain('unexpected: Bash(npm test -- --run), Bash(npm test)')
    expect(
      (await grade(['Read', 'Edit', 'Bash'], { allowExtras: false, extraPenalty: 0.1 })).score,
    ).toBeCloseTo(0.9)
  })

  test('falls back to the tool summary, where only names can be checked', async () => {
    const summaryOnly: AgentResult = {
      output: '',
      exitReason: 'success',
      metrics: { turns: 2, toolSummary: { Bash: 2, Read: 1 } },
    }
    const ctx = graderContext('', { agent: summaryOnly })
    expect(await toolCalls(['Bash', 'Bash', 'Read'])(ctx)).toMatchObject({ score: 1, pass: true })
    expect(await toolCalls(['Read', 'Bash'], { ordered: true })(ctx)).toMatchObject({
      score: null,
      pass: false,
    })
    expect((await toolCalls(['Read'])(graderContext(''))).explanation).toContain('no agent transcript')
  })

  test('reads the transcript of a real scripted agent run', async () => {
    await using sandbox = await createLocalSandbox()
    const result = await scripted([
      { run: 'echo hi' },
      { write: 'notes.md', content: 'x' },
      { finish: 'ok' },
    ]).run({
      sandbox,
      prompt: 'p',
      input: undefined,
      signal: new AbortController().signal,
      timeoutMs: 10_000,
      log: () => {},
      keep: async () => undefined,
    })
    const g = await toolCalls([{ name: 'Bash', params: { command: 'echo' } }, 'Write'], { ordered: true })(
      graderContext(result.output, { agent: result }),
    )
    expect(g).toMatchObject({ score: 1, pass: true })
  })
})
