import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { type ArtifactStore, createArtifactStore } from './artifact-store.ts'

let root: string
let store: ArtifactStore

const log = Array.from({ length: 10 }, (_, i) => `line ${i + 1}${i === 6 ? ' ERROR disk full' : ''}`).join(
  '\n',
)

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'evalbox-artifacts-test-'))
  store = createArtifactStore(root)
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

function make(bytes: string | Uint8Array = `${log}\n`, id = 'art-1') {
  return store.create({
    kind: 'command_stdout',
    threadId: 'thread-a',
    turnId: 'turn-1',
    sourceToolId: 'tool-9',
    label: 'npm test',
    bytes,
    id,
  })
}

describe('artifact store', () => {
  test('writes <root>/<thread>/<id>.txt with its metadata beside it', async () => {
    const artifact = await make()
    expect(readdirSync(join(root, 'thread-a')).sort()).toEqual(['art-1.json', 'art-1.txt'])
    expect(readFileSync(join(root, 'thread-a', 'art-1.txt'), 'utf8')).toBe(`${log}\n`)
    const meta = JSON.parse(readFileSync(join(root, 'thread-a', 'art-1.json'), 'utf8'))
    expect(meta).toEqual({
      id: 'art-1',
      kind: 'command_stdout',
      threadId: 'thread-a',
      turnId: 'turn-1',
      sourceToolId: 'tool-9',
      label: 'npm test',
      byteCount: log.length + 1,
      lineCount: 10,
      createdAt: artifact.createdAt,
    })
    expect(artifact.path).toBe(join(root, 'thread-a', 'art-1.txt'))
    expect(await store.get('thread-a', 'art-1')).toEqual(artifact)
  })

  test('counts bytes, not characters, and keeps raw bytes as given', async () => {
    const artifact = await make('é\n€', 'utf')
    expect(artifact).toMatchObject({ byteCount: 6, lineCount: 2 })
    const raw = await make(new Uint8Array([0x61, 0x0a, 0x62]), 'raw')
    expect(raw).toMatchObject({ byteCount: 3, lineCount: 2 })
  })

  test('gives fresh ids and lists a thread oldest first', async () => {
    const first = await store.create({ kind: 'chat_history', threadId: 't', turnId: 'u', bytes: 'a' })
    const second = await store.create({ kind: 'file_content', threadId: 't', turnId: 'u', bytes: 'b' })
    expect(first.id).toMatch(/^art-[0-9a-f]{12}$/)
    expect(first.id).not.toBe(second.id)
    expect((await store.list('t')).map((a) => a.id).sort()).toEqual([first.id, second.id].sort())
    expect(await store.list('nobody')).toEqual([])
  })

  test('reads pages by line, 1-based, and says where the next page starts', async () => {
    await make()
    const page = await store.readPage('thread-a', 'art-1', { offset: 3, limit: 2 })
    expect(page.text).toBe('3: line 3\n4: line 4')
    expect(page).toMatchObject({ totalLines: 10, hasMore: true, nextOffset: 5 })
    const last = await store.readPage('thread-a', 'art-1', { offset: 9, limit: 5 })
    expect(last.lines.map((l) => l.number)).toEqual([9, 10])
    expect(last).toMatchObject({ hasMore: false, nextOffset: undefined })
    expect((await store.readPage('thread-a', 'art-1')).lines).toHaveLength(10)
  })

  test('greps literal text or a regex, with context and paging over matches', async () => {
    await make()
    const hit = await store.grep('thread-a', 'art-1', 'ERROR disk', { context: 1 })
    expect(hit.text).toBe('6- line 6\n7: line 7 ERROR disk full\n8- line 8')
    expect(hit).toMatchObject({ matchLines: [7], totalMatches: 1, hasMore: false })
    // Literal by default: the dot must not match any character.
    expect((await store.grep('thread-a', 'art-1', 'line.10')).totalMatches).toBe(0)
    expect((await store.grep('thread-a', 'art-1', 'line.10', { regex: true })).matchLines).toEqual([10])
    const paged = await store.grep('thread-a', 'art-1', /^line [1-5]$/, { offset: 1, limit: 2 })
    expect(paged).toMatchObject({ matchLines: [2, 3], totalMatches: 5, hasMore: true, nextOffset: 3 })
    expect((await store.grep('thread-a', 'art-1', 'error', { ignoreCase: true })).matchLines).toEqual([7])
  })

  test('tails the last lines', async () => {
    await make()
    expect((await store.tail('thread-a', 'art-1', 2)).text).toBe('9: line 9\n10: line 10')
    expect((await store.tail('thread-a', 'art-1', 50)).lines).toHaveLength(10)
  })

  test.each([['..'], ['../escape'], ['a/b'], ['a\\b'], [''], ['.hidden'], ['a..b']])(
    'refuses the unsafe id %j before touching the disk',
    async (bad) => {
      await expect(
        store.create({ kind: 'tool_output', threadId: bad, turnId: 't', bytes: 'x' }),
      ).rejects.toThrow(/`threadId` to be a path-safe id/)
      await expect(make('x', bad)).rejects.toThrow(/`artifactId` to be a path-safe id/)
      await expect(store.readPage('thread-a', bad)).rejects.toMatchObject({ code: 'INVALID_OPTIONS' })
      expect(existsSync(join(root, '..', 'escape.txt'))).toBe(false)
    },
  )

  test('names a missing artifact, refuses to overwrite one, and checks paging values', async () => {
    await expect(store.tail('thread-a', 'nope')).rejects.toThrow('No artifact "nope" in thread "thread-a"')
    await make()
    await expect(make('other')).rejects.toThrow('Artifact "art-1" already exists in thread "thread-a"')
    expect(readFileSync(join(root, 'thread-a', 'art-1.txt'), 'utf8')).toBe(`${log}\n`)
    await expect(store.readPage('thread-a', 'art-1', { offset: 0 })).rejects.toThrow(
      'Expected `offset` to be an integer of at least 1, got `0` (number).',
    )
    await expect(store.grep('thread-a', 'art-1', '')).rejects.toThrow('non-empty grep `query`')
    await expect(store.grep('thread-a', 'art-1', '(', { regex: true })).rejects.toThrow(
      'not a valid regular expression',
    )
  })

  test('removes a thread', async () => {
    await make()
    await store.removeThread('thread-a')
    expect(existsSync(join(root, 'thread-a'))).toBe(false)
  })
})
