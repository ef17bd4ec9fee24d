import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { copyOutLocal } from './local-copy-out.ts'

describe('local copy-out', () => {
  let host: string
  let source: string
  beforeAll(async () => {
    host = await mkdtemp(join(tmpdir(), 'evalbox-local-copy-out-'))
    source = join(host, 'out')
    await mkdir(join(source, 'many'), { recursive: true })
    await writeFile(join(source, 'report.txt'), 'report\n')
    for (let i = 0; i < 50; i++) await writeFile(join(source, 'many', `f${i}`), 'x')
    // 2 GiB apparent, almost nothing on disk.
    execFileSync('truncate', ['-s', '2G', join(source, 'sparse.bin')])
    await symlink('/etc/passwd', join(source, 'passwd'))
  })
  afterAll(async () => {
    await rm(host, { recursive: true, force: true })
  })

  test('a sparse file counts by its apparent size; an escaping link is skipped; the rest is kept', async () => {
    const target = join(host, 'copy')
    const report = await copyOutLocal(source, target, { onEscape: 'skip', maxBytes: 1024 * 1024 })
    expect(report.skipped).toEqual([
      { path: 'passwd', reason: 'is a symbolic link to "/etc/passwd", outside the copied folder' },
      { path: 'sparse.bin', reason: `${2 * 1024 ** 3} bytes, over the cap of 1048576 bytes` },
    ])
    expect(await readFile(join(target, 'report.txt'), 'utf8')).toBe('report\n')
    expect(await readdir(join(target, 'many'))).toHaveLength(50)
    expect(await stat(join(target, 'sparse.bin')).catch(() => undefined)).toBeUndefined()
  })

  test('entries past maxFiles are left out; without skip an escaping link still refuses the copy', async () => {
    const report = await copyOutLocal(source, join(host, 'few'), { onEscape: 'skip', maxFiles: 10 })
    expect(report).toMatchObject({ files: 9, bytes: 9, skippedCount: 41 + 3 })
    expect(await readdir(join(host, 'few', 'many'))).toHaveLength(9) // 'many' itself is the first entry
    const error = await copyOutLocal(source, join(host, 'refused')).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'SANDBOX_PATH_ESCAPE', message: expect.stringContaining('passwd') })
    expect(await readdir(host)).not.toContain('refused')
  })
})
