import { execFileSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { patchFiles } from './patch-files.ts'

test('patchFiles reads added, deleted, modified and binary files and quoted names from a real git diff', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'evalbox-patch-files-'))
  try {
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
        cwd: dir,
        encoding: 'utf8',
      })
    await writeFile(join(dir, 'keep.txt'), 'one\n')
    await writeFile(join(dir, 'gone.txt'), 'bye\n')
    await writeFile(join(dir, 'img.bin'), Buffer.from([0, 1, 2, 255]))
    git('init', '-q')
    git('add', '-A')
    git('commit', '-qm', 'base')
    await writeFile(join(dir, 'keep.txt'), 'two\n')
    await rm(join(dir, 'gone.txt'))
    await writeFile(join(dir, 'img.bin'), Buffer.from([0, 1, 2, 254, 0]))
    await writeFile(join(dir, 'tést b.py'), 'x = 1\n')
    await writeFile(join(dir, 'new.bin'), Buffer.from([0, 0, 7]))
    git('add', '-A')
    const diff = git('diff', '--cached', '--no-renames', '--binary', '--full-index')
    expect(diff).toContain('"a/t\\303\\251st b.py"')
    expect(patchFiles(diff)).toEqual([
      { path: 'gone.txt', change: 'deleted' },
      { path: 'img.bin', change: 'modified' },
      { path: 'keep.txt', change: 'modified' },
      { path: 'new.bin', change: 'added' },
      { path: 'tést b.py', change: 'added' },
    ])
    // Names the harvest listed but the text does not show count as modified.
    expect(patchFiles('', ['a.txt'])).toEqual([{ path: 'a.txt', change: 'modified' }])
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
