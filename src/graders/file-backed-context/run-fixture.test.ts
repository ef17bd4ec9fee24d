import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createArtifactStore } from './artifact-store.ts'
import type { ContextFixtureInput } from './fixture-schema.ts'
import { type LoadedFixture, parseFixture } from './load-fixtures.ts'
import { generatePayload } from './payload.ts'
import { runContextFixture } from './run-fixture.ts'

let root: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'evalbox-run-fixture-'))
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

const spec = { generator: 'log-lines', lines: 1000, insertAt: 500, padding: 20 } as const

function fixture(fields: Partial<ContextFixtureInput> = {}): LoadedFixture {
  return parseFixture(
    {
      id: 'mid-log',
      title: 'A log',
      prompt: 'Find it.',
      expectedAnswerContains: 'CODE-77',
      expectedArtifactQuery: 'CODE-77',
      payload: { ...spec, detail: 'failure CODE-77 here' },
      ...fields,
    },
    { baseDir: root },
  )
}

describe('runContextFixture with artifacts', () => {
  test('moves the output out, recovers the line by grep and measures both sides', async () => {
    const store = createArtifactStore(root)
    const result = await runContextFixture(fixture(), { store })
    const payload = generatePayload({ ...spec, detail: 'failure CODE-77 here' }, 'CODE-77')
    const before = 'Find it.\n\n'.length + payload.length
    expect(result).toMatchObject({
      fixtureId: 'mid-log',
      answerCorrect: true,
      recoveredDetail: 'failure CODE-77 here',
      inlineCharsBefore: before,
      inlineTokensBefore: Math.ceil(before / 4),
      artifactGrepCount: 1,
      artifactReadCount: 0,
      artifactTailCount: 0,
      artifactBytesWritten: payload.length,
      artifactLinesWritten: 1000,
      artifacts: true,
    })
    expect(result.inlineTokensAfter).toBe(Math.ceil(result.inlineCharsAfter / 4))
    expect(result.inlineTokensSaved).toBe(result.inlineTokensBefore - result.inlineTokensAfter)
    expect(result.inlineCharsAfter).toBeLessThan(600)
    const [artifact] = await store.list('bench-mid-log')
    expect(artifact).toMatchObject({ kind: 'command_stdout', sourceToolId: 'mid-log', label: 'A log' })
  })

  test('fails when the tool cannot reach the detail', async () => {
    const wrongQuery = await runContextFixture(fixture({ expectedArtifactQuery: 'CODE-78' }))
    expect(wrongQuery).toMatchObject({ answerCorrect: false, artifactGrepCount: 1 })
    expect('recoveredDetail' in wrongQuery).toBe(false)
    const pastFirstPage = await runContextFixture(fixture({ expectedTool: 'read' }), { pageLines: 100 })
    expect(pastFirstPage).toMatchObject({ answerCorrect: false, artifactReadCount: 1 })
    const found = await runContextFixture(fixture({ expectedTool: 'tail' }), { pageLines: 501 })
    expect(found).toMatchObject({ answerCorrect: true, artifactTailCount: 1 })
  })

  test('greps with a /regex/ query', async () => {
    const result = await runContextFixture(fixture({ expectedArtifactQuery: '/CODE-\\d+/' }))
    expect(result.recoveredDetail).toBe('failure CODE-77 here')
  })
})

describe('runContextFixture without artifacts (ablation)', () => {
  test('keeps the output inline and loses a detail from the cut middle', async () => {
    const result = await runContextFixture(fixture(), { artifacts: false, store: createArtifactStore(root) })
    expect(result).toMatchObject({
      answerCorrect: false,
      inlineTruncated: true,
      inlineTokensSaved: 0,
      artifactBytesWritten: 0,
      artifactGrepCount: 0,
      artifacts: false,
    })
    expect(result.inlineTokensAfter).toBe(result.inlineTokensBefore)
    expect(readdirSync(root)).toEqual([])
  })

  test('recovers a detail that stays within the budget', async () => {
    const early = await runContextFixture(fixture({ payload: { ...spec, insertAt: 3, detail: 'CODE-77' } }), {
      artifacts: false,
    })
    expect(early).toMatchObject({ answerCorrect: true, recoveredDetail: 'CODE-77', inlineTruncated: true })
    const roomy = await runContextFixture(fixture(), { artifacts: false, inlineBudgetTokens: 100_000 })
    expect(roomy).toMatchObject({ answerCorrect: true, inlineTruncated: false })
  })
})
