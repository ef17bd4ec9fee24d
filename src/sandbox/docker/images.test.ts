import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { contextHash } from './images.ts'

describe('build context hash', () => {
  let root: string
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'evalbox-hash-'))
  })
  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  const context = async (name: string, files: Record<string, string>) => {
    const dir = join(root, name)
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(dir, path, '..'), { recursive: true })
      await writeFile(join(dir, path), text)
    }
    return dir
  }

  test('depends on paths and contents only, not on where the context lives', async () => {
    const files = { Dockerfile: 'FROM x\n', 'src/a.txt': 'a', 'src/b.txt': 'b' }
    const a = await contextHash(await context('a', files))
    expect(a).toMatch(/^[0-9a-f]{16}$/)
    expect(await contextHash(await context('same', files))).toBe(a)
    expect(await contextHash(await context('content', { ...files, 'src/b.txt': 'B' }))).not.toBe(a)
    expect(
      await contextHash(await context('moved', { Dockerfile: 'FROM x\n', 'src/a.txt': 'a', 'b.txt': 'b' })),
    ).not.toBe(a)
    const other = await context('dockerfile', { ...files, 'Other.Dockerfile': 'FROM y\n' })
    expect(await contextHash(other, join(other, 'Other.Dockerfile'))).not.toBe(await contextHash(other))
  })
})
