import { resolve } from 'node:path'
import { describe, expect, test } from 'vitest'
import { graderContext } from '../test-support.ts'
import type { ContextFixtureResult } from './bench-report.ts'
import { fileBackedContext } from './grader.ts'

const EXAMPLES = resolve(import.meta.dirname, '../../../examples/file-backed-context/fixtures')

const inline = {
  id: 'buried',
  title: 'Buried detail',
  prompt: 'Find the code.',
  expectedAnswerContains: 'CODE-9',
  expectedArtifactQuery: 'CODE-9',
  payload: { generator: 'log-lines', lines: 3000, insertAt: 1500, detail: 'failed with CODE-9' },
} as const

describe('graders.fileBackedContext', () => {
  test('passes when the detail is recovered and keeps the numbers in metadata', async () => {
    const kept: Record<string, string> = {}
    const grade = await fileBackedContext({ fixture: resolve(EXAMPLES, 'long-command-output.json') })(
      graderContext('', {
        keep: async (name, data) => {
          kept[name] = String(data)
          return `/runs/${name}`
        },
      }),
    )
    expect(grade).toMatchObject({ pass: true, score: 1 })
    expect(grade.name).toBe(`fileBackedContext(${resolve(EXAMPLES, 'long-command-output.json')})`)
    expect(grade.explanation).toMatch(/^recovered 1\/1 hidden details; inline tokens \d+ → \d+$/)
    const results = grade.metadata?.results as ContextFixtureResult[]
    expect(results[0]).toMatchObject({
      fixtureId: 'long-command-output',
      answerCorrect: true,
      artifactLinesWritten: 2400,
    })
    expect(grade.metadata).toMatchObject({
      fixtures: 1,
      recovered: 1,
      table: '/runs/grader-file-backed-context.md',
    })
    expect(kept['grader-file-backed-context.md']).toContain('| `long-command-output` | grep | yes |')
  })

  test('takes a folder, scoring the fraction recovered; fails with artifacts off', async () => {
    const on = await fileBackedContext({ fixtures: EXAMPLES })(graderContext(''))
    expect(on).toMatchObject({ pass: true, score: 1, metadata: { fixtures: 5, recovered: 5 } })
    const off = await fileBackedContext({ fixtures: EXAMPLES, artifacts: false })(graderContext(''))
    expect(off).toMatchObject({ pass: false, score: 3 / 5 })
    expect(off.explanation).toContain(
      'missed compaction-history-recovery (cut from the context), long-command-output (cut from the context)',
    )
  })

  test('takes fixture objects and lists, relative paths against baseDir', async () => {
    const grade = await fileBackedContext({
      fixtures: [inline, 'test-summary-tail.json'],
      baseDir: EXAMPLES,
    })(graderContext(''))
    expect(grade).toMatchObject({ pass: true, metadata: { recovered: 2 } })
    const missed = await fileBackedContext({ fixture: { ...inline, expectedArtifactQuery: 'CODE-8' } })(
      graderContext(''),
    )
    expect(missed).toMatchObject({ pass: false, score: 0 })
    expect(missed.explanation).toContain('missed buried (grep)')
  })

  test('refuses bad options where the eval is defined', () => {
    expect(() => fileBackedContext({})).toThrow('needs exactly one of `fixture`')
    expect(() => fileBackedContext({ fixture: 'a.json', fixtures: 'dir' })).toThrow('needs exactly one of')
    expect(() => fileBackedContext({ fixture: { ...inline, expectedTool: 'cat' as 'grep' } })).toThrow(
      'Fixture "buried" (given as an object) is invalid: `expectedTool`',
    )
  })
})
