import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { loadFixtures, parseFixture } from './load-fixtures.ts'

const EXAMPLES = resolve(import.meta.dirname, '../../../examples/file-backed-context/fixtures')

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'evalbox-fixtures-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const base = {
  id: 'one',
  title: 'One',
  prompt: 'Find the token',
  tags: ['file-backed-context'],
  expectedAnswerContains: 'TOKEN',
  expectedArtifactQuery: 'TOKEN',
  expectedTool: 'grep',
}

function write(name: string, value: unknown): string {
  const path = join(dir, name)
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value))
  return path
}

describe('loadFixtures', () => {
  test('loads the examples, sorted by id, with the tools the fixtures ask for', async () => {
    const fixtures = await loadFixtures(EXAMPLES)
    expect(fixtures.map((f) => [f.id, f.expectedTool])).toEqual([
      ['compaction-history-recovery', 'grep'],
      ['long-command-output', 'grep'],
      ['pytest-failure-from-file', 'grep'],
      ['source-file-header', 'read'],
      ['test-summary-tail', 'tail'],
    ])
    const fromFile = fixtures.find((f) => f.id === 'pytest-failure-from-file')!
    expect(fromFile.payloadPath).toBe(join(EXAMPLES, 'payloads', 'pytest-output.txt'))
    expect(fromFile.file).toBe(join(EXAMPLES, 'pytest-failure-from-file.json'))
  })

  test('reads the seed format, defaults tags and tool, ignores other files', async () => {
    write('b.json', {
      ...base,
      id: 'b',
      tags: undefined,
      expectedTool: undefined,
      payload: { generator: 'log-lines', lines: 3, insertAt: 2 },
    })
    write('a.json', { ...base, id: 'a', payloadFile: 'out.log' })
    write('out.log', 'x\nTOKEN\n')
    write('notes.txt', 'not a fixture')
    const fixtures = await loadFixtures(dir)
    expect(fixtures.map((f) => f.id)).toEqual(['a', 'b'])
    expect(fixtures[1]).toMatchObject({ tags: [], expectedTool: 'grep' })
  })

  test('names the file, the field and the bad value', async () => {
    const path = write('bad.json', { ...base, expectedTool: 'cat', payloadFile: 'bad.json' })
    await expect(loadFixtures(dir)).rejects.toThrow(
      `Fixture ${path} is invalid: \`expectedTool\` must be "read", "grep" or "tail", got \`"cat"\` (string). Fix these fields`,
    )
    write('bad.json', { ...base, payload: { generator: 'log-lines', lines: 10, insertAt: 11 } })
    await expect(loadFixtures(dir)).rejects.toThrow(
      `Fixture ${path} is invalid: \`payload.insertAt\` must be within the 10 generated lines, got 11.`,
    )
  })

  test('wants exactly one payload source, a detail that holds the answer, and a safe id', async () => {
    const message = (value: unknown) => {
      try {
        parseFixture(value, { baseDir: dir })
        return 'no error'
      } catch (error) {
        return (error as Error).message
      }
    }
    expect(message(base)).toContain('`payload` give exactly one of `payloadFile`')
    expect(
      message({ ...base, payloadFile: 'x', payload: { generator: 'log-lines', lines: 1, insertAt: 1 } }),
    ).toContain('`payloadFile` give exactly one')
    expect(
      message({ ...base, payload: { generator: 'log-lines', lines: 2, insertAt: 1, detail: 'other' } }),
    ).toContain('`payload.detail` must contain expectedAnswerContains ("TOKEN")')
    expect(
      message({ ...base, id: '../x', payload: { generator: 'log-lines', lines: 1, insertAt: 1 } }),
    ).toContain('Fixture "../x" (given as an object) is invalid: `id` must be a path-safe id')
    expect(message({ ...base, expectedArtifactQuery: '/(/', payloadFile: 'x' })).toContain(
      '`expectedArtifactQuery`',
    )
    expect(message({ ...base, extra: 1, payloadFile: 'x' })).toContain('extra')
    expect(message({ ...base, payloadFile: 'missing.log' })).toContain(
      `\`payloadFile\` "missing.log" not found (looked for ${join(dir, 'missing.log')})`,
    )
  })

  test('refuses bad JSON, duplicate ids and a missing folder', async () => {
    write('broken.json', '{ "id": ')
    await expect(loadFixtures(dir)).rejects.toThrow(`Fixture ${join(dir, 'broken.json')} is not valid JSON`)
    rmSync(join(dir, 'broken.json'))
    mkdirSync(join(dir, 'sub'))
    write('x.json', { ...base, payloadFile: 'x.json' })
    write('y.json', { ...base, payloadFile: 'y.json' })
    await expect(loadFixtures(dir)).rejects.toThrow(
      `Fixtures ${join(dir, 'x.json')} and ${join(dir, 'y.json')} share the id "one"`,
    )
    await expect(loadFixtures(join(dir, 'nope'))).rejects.toThrow('Cannot read the fixture directory')
  })
})
