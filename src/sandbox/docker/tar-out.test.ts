import { mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { type Header, pack } from 'tar-stream'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { extractCopyOut } from './tar-out.ts'

type Entry = Partial<Header> & { name: string; body?: string }

/** A real tar stream with the given entries, as Docker's archive endpoint would send. */
function tar(entries: Array<Entry>): Readable {
  const archive = pack()
  for (const { body, ...header } of entries) archive.entry(header, body ?? '')
  archive.finalize()
  return Readable.from(archive as unknown as AsyncIterable<Buffer>)
}

const legit: Array<Entry> = [
  { name: 'out/', type: 'directory' },
  { name: 'out/a/', type: 'directory' },
  { name: 'out/a/x', body: 'x\n' },
  { name: 'out/rel', type: 'symlink', linkname: 'a/x' },
  { name: 'out/abs', type: 'symlink', linkname: '/w/out/a' },
  { name: 'out/a/hard', type: 'link', linkname: 'out/a/x' },
]

describe('copy-out extraction', () => {
  let host: string
  beforeAll(async () => {
    host = await mkdtemp(join(tmpdir(), 'evalbox-tar-out-'))
  })
  afterAll(async () => {
    await rm(host, { recursive: true, force: true })
  })

  test('extracts files, rewrites in-tree links as relative links, and merges', async () => {
    const target = join(host, 'ok')
    await mkdir(target)
    await writeFile(join(target, 'existing.txt'), 'kept')
    await extractCopyOut(tar(legit), '/w/out', target)
    expect(await readFile(join(target, 'a/x'), 'utf8')).toBe('x\n')
    expect(await readFile(join(target, 'a/hard'), 'utf8')).toBe('x\n')
    expect(await readlink(join(target, 'rel'))).toBe('a/x')
    expect(await readlink(join(target, 'abs'))).toBe('a')
    expect(await readFile(join(target, 'existing.txt'), 'utf8')).toBe('kept')
  })

  test.each([
    ['a name with ..', { name: 'out/../../evil', body: 'x' }, '../../evil'],
    ['an absolute name', { name: '/etc/cron.d/evil', body: 'x' }, '/etc/cron.d/evil'],
    ['a symlink outside', { name: 'out/passwd', type: 'symlink', linkname: '/etc/passwd' }, 'passwd'],
    ['a relative symlink outside', { name: 'out/a/up', type: 'symlink', linkname: '../../..' }, 'a/up'],
    ['a hard link outside', { name: 'out/h', type: 'link', linkname: 'elsewhere/x' }, 'h'],
  ] as Array<[string, Entry, string]>)('rejects %s and writes nothing', async (_, bad, named) => {
    const target = join(host, `bad-${named.replace(/\W/g, '_')}`)
    const error = await extractCopyOut(tar([...legit, bad]), '/w/out', target).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'SANDBOX_PATH_ESCAPE', message: expect.stringContaining(named) })
    expect((await readdir(host)).filter((name) => name.includes('bad-'))).toEqual([])
  })

  test('with onEscape: skip, a link outside is left out and reported; the rest is copied', async () => {
    const target = join(host, 'skipped')
    const bad: Array<Entry> = [
      { name: 'out/passwd', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'out/h', type: 'link', linkname: 'elsewhere/x' },
    ]
    const report = await extractCopyOut(tar([...legit, ...bad]), '/w/out', target, { onEscape: 'skip' })
    expect(report).toMatchObject({
      skippedCount: 2,
      skipped: [
        { path: 'passwd', reason: expect.stringContaining('/etc/passwd') },
        { path: 'h', reason: expect.stringContaining('hard link') },
      ],
    })
    expect(await readFile(join(target, 'a/hard'), 'utf8')).toBe('x\n')
    expect((await readdir(target)).sort()).toEqual(['a', 'abs', 'rel'])
  })

  test('caps: files past maxBytes (by their size) and entries past maxFiles are left out and counted', async () => {
    const big = 'y'.repeat(64 * 1024)
    const entries: Array<Entry> = [
      { name: 'out/', type: 'directory' },
      { name: 'out/big.bin', body: big },
      ...Array.from({ length: 30 }, (_, i) => ({ name: `out/f${String(i).padStart(2, '0')}`, body: 'z' })),
    ]
    const bytes = await extractCopyOut(tar(entries), '/w/out', join(host, 'bytes'), { maxBytes: 1024 })
    expect(bytes).toMatchObject({ files: 30, bytes: 30, skippedCount: 1 })
    expect(bytes.skipped[0]).toEqual({ path: 'big.bin', reason: '65536 bytes, over the cap of 1024 bytes' })
    const files = await extractCopyOut(tar(entries), '/w/out', join(host, 'files'), { maxFiles: 5 })
    expect(files).toMatchObject({ files: 5, skippedCount: 26 })
    expect(files.skipped).toHaveLength(20) // the first twenty are named, the rest counted
    expect(await readdir(join(host, 'files'))).toHaveLength(5)
    await expect(extractCopyOut(tar(entries), '/w/out', join(host, 'x'), { maxFiles: 1.5 })).rejects.toThrow(
      'copyOut `maxFiles` to be a non-negative integer, got `1.5` (number)',
    )
  })
})
