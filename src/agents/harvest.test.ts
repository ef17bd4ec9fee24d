import { execFileSync } from 'node:child_process'
import {
  chmod,
  cp,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createLocalSandbox } from '../sandbox/local/local-sandbox.ts'
import type { Sandbox } from '../sandbox/types.ts'
import { EMPTY_BASELINE, harvestPatch, prepareWorkspaceBaseline } from './harvest.ts'

const BINARY = Buffer.from([0, 1, 2, 3, 255, 254, 0, 10, 13, 10, 128])

/** Every file, link and mode under `dir` (`.git` aside), for comparing trees. */
async function tree(dir: string, prefix = ''): Promise<Record<string, string>> {
  const files: Record<string, string> = {}
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name
    if (entry.name === '.git') continue
    const full = join(dir, path)
    if (entry.isDirectory()) Object.assign(files, await tree(dir, path))
    else if (entry.isSymbolicLink()) files[path] = `link ${await readlink(full)}`
    else {
      const exec = ((await lstat(full)).mode & 0o100) !== 0
      files[path] = `${exec ? 'x ' : ''}${(await readFile(full)).toString('base64')}`
    }
  }
  return files
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
  })

describe('workspace harvest', () => {
  let host: string
  let fixture: string
  let copies = 0
  beforeAll(async () => {
    host = await mkdtemp(join(tmpdir(), 'evalbox-harvest-'))
    fixture = join(host, 'fixture')
    await mkdir(join(fixture, 'src'), { recursive: true })
    await writeFile(join(fixture, 'src/edit-me.js'), 'line 1\nline 2\r\nline 3\n')
    await writeFile(join(fixture, 'delete-me.txt'), 'bye\n')
    await writeFile(join(fixture, 'same.txt'), 'unchanged\n')
    await writeFile(join(fixture, 'image.bin'), BINARY)
    await writeFile(join(fixture, 'run.sh'), '#!/bin/sh\necho hi\n')
    await writeFile(join(fixture, 'empty.txt'), '')
    await writeFile(join(fixture, 'latin1.txt'), Buffer.from('caf\xe9\n', 'latin1'))
    await symlink('same.txt', join(fixture, 'link-to-same'))
    await writeFile(join(fixture, '.gitignore'), 'build/\n')
  })
  afterAll(async () => {
    await rm(host, { recursive: true, force: true })
  })

  /** Applies `patch` with `git apply` to a fresh copy of `source` and returns the copy. */
  async function applied(source: string, patch: string): Promise<string> {
    const copy = join(host, `applied-${++copies}`)
    await cp(source, copy, { recursive: true, verbatimSymlinks: true })
    await writeFile(join(host, `patch-${copies}.diff`), patch)
    execFileSync('git', ['apply', '--binary', join(host, `patch-${copies}.diff`)], { cwd: copy })
    return copy
  }

  test('new, edited, deleted, binary, empty, executable, linked and oddly named files: the patch applies back', async () => {
    await using sandbox = await createLocalSandbox({ workspace: fixture, label: 'harvest' })
    await prepareWorkspaceBaseline(sandbox)
    const w = sandbox.workdir
    await sandbox.writeFile('src/edit-me.js', 'line 1\nline 2 changed\r\nline 3\n')
    await rm(join(w, 'delete-me.txt'))
    await sandbox.writeFile('new/file.txt', 'hello\n')
    await sandbox.writeFile('new/no-newline.txt', 'no newline at the end')
    await sandbox.writeFile('image.bin', Buffer.concat([BINARY, Buffer.from([7, 0, 7])]))
    await sandbox.writeFile('new/blob.bin', Buffer.from([0, 0, 1, 2]))
    await sandbox.writeFile('new/empty', '')
    await sandbox.writeFile('latin1.txt', Buffer.from('caf\xe9 cr\xe8me\n', 'latin1'))
    await sandbox.writeFile('name with "quotes" and é.txt', 'odd name\n')
    await chmod(join(w, 'run.sh'), 0o755)
    await rm(join(w, 'empty.txt'))
    await rm(join(w, 'link-to-same'))
    await symlink('/etc/passwd', join(w, 'link-to-same')) // a link stays a link, wherever it points
    await symlink('../src/edit-me.js', join(w, 'new/link'))
    await rm(join(w, 'same.txt'))
    await mkdir(join(w, 'same.txt')) // a file that became a folder
    await sandbox.writeFile('same.txt/inside', 'x\n')
    await sandbox.writeFile('build/out.js', 'ignored\n')

    const { patch, files } = await harvestPatch(sandbox)
    expect(files).toEqual(
      [
        'delete-me.txt',
        'empty.txt',
        'image.bin',
        'latin1.txt',
        'link-to-same',
        'name with "quotes" and é.txt',
        'new/blob.bin',
        'new/empty',
        'new/file.txt',
        'new/link',
        'new/no-newline.txt',
        'run.sh',
        'same.txt',
        'same.txt/inside',
        'src/edit-me.js',
      ].sort(),
    )
    expect(patch).toContain('deleted file mode 100644')
    expect(patch).toContain('GIT binary patch')
    expect(patch).toContain('old mode 100644\nnew mode 100755')
    expect(patch).toContain('new file mode 120000')
    expect(patch).not.toContain('build/out.js')

    const copy = await applied(fixture, patch)
    await rm(join(w, 'build'), { recursive: true })
    expect(await tree(copy)).toEqual(await tree(w))
    expect((await readFile(join(copy, 'src/edit-me.js'))).toString()).toBe(
      'line 1\nline 2 changed\r\nline 3\n',
    )
  })

  test('the patch reads like git’s own: the same text as `git diff --binary --full-index`', async () => {
    const repo = join(host, 'like-git')
    await cp(fixture, repo, { recursive: true, verbatimSymlinks: true })
    git(repo, 'init', '-q')
    git(repo, 'add', '-A')
    git(repo, 'commit', '-qm', 'fixture')
    await using sandbox = await createLocalSandbox({ workspace: repo })
    await prepareWorkspaceBaseline(sandbox)
    const edit = async (w: string) => {
      await writeFile(join(w, 'src/edit-me.js'), 'line 0\nline 1\nline 2\r\nline 3 edited\n')
      await writeFile(join(w, 'new.txt'), 'a\nb\n')
      await rm(join(w, 'delete-me.txt'))
    }
    await edit(sandbox.workdir)
    await edit(repo)
    git(repo, 'add', '-A')
    const fromGit = git(repo, 'diff', '--cached', '--binary', '--full-index', '--no-renames', '--no-color')
    expect((await harvestPatch(sandbox)).patch).toBe(fromGit)
  })

  test('an untouched workspace has no patch, and the workdir is never written to', async () => {
    await using sandbox = await createLocalSandbox({ workspace: fixture })
    const before = await tree(sandbox.workdir)
    await prepareWorkspaceBaseline(sandbox)
    expect(await harvestPatch(sandbox)).toEqual({ patch: '', files: [] })
    expect(await tree(sandbox.workdir)).toEqual(before)
    expect(await lstat(join(sandbox.workdir, '.git')).catch(() => undefined)).toBeUndefined()
  })

  test('a repo the agent made or committed to is harvested as files; .git never enters the patch', async () => {
    await using sandbox = await createLocalSandbox({ workspace: fixture })
    await prepareWorkspaceBaseline(sandbox)
    await sandbox.writeFile('same.txt', 'changed and committed\n')
    const commit = await sandbox.exec([
      'sh',
      '-c',
      'git init -q && git add -A && git -c user.name=a -c user.email=a@a -c commit.gpgsign=false commit -qm agent',
    ])
    expect(commit.exitCode).toBe(0)
    await sandbox.writeFile('vendor/.GIT/config', 'x') // git refuses this name in any case
    expect((await harvestPatch(sandbox)).files).toEqual(['same.txt'])
  })

  test('a fixture that is a git repo: its pending changes are the baseline, its .git is left alone', async () => {
    const repo = join(host, 'repo')
    await cp(fixture, repo, { recursive: true, verbatimSymlinks: true })
    git(repo, 'init', '-q')
    git(repo, 'add', '-A')
    git(repo, 'commit', '-qm', 'fixture')
    await writeFile(join(repo, 'same.txt'), 'pending change in the fixture\n')
    await using sandbox = await createLocalSandbox({ workspace: repo })
    const gitFiles = () => tree(join(sandbox.workdir, '.git'))
    const before = await gitFiles()
    await prepareWorkspaceBaseline(sandbox)
    await sandbox.writeFile('src/edit-me.js', 'agent was here\n')
    await sandbox.writeFile('agent-new.txt', 'new\n')
    const { files, patch } = await harvestPatch(sandbox)
    expect(files).toEqual(['agent-new.txt', 'src/edit-me.js'])
    expect(patch).not.toContain('pending change')
    expect(await gitFiles()).toEqual(before)
  })

  // What tools leave behind while an agent works, at the root and deeper down.
  const CACHES: Record<string, string> = {
    'tests/__pycache__/test_a.cpython-311-pytest-9.0.3.pyc': 'pyc',
    '__pycache__/calc.cpython-311.pyc': 'pyc',
    'legacy/mod.pyc': 'pyc',
    '.pytest_cache/v/cache/lastfailed': '{}',
    'node_modules/left-pad/index.js': 'module.exports = 1',
    'pkg/.mypy_cache/3.11/x.json': '{}',
    '.ruff_cache/0.1.0/cache': 'x',
  }

  test('tool caches are left out of the baseline and the patch, at any depth', async () => {
    const source = join(host, 'caches')
    await cp(fixture, source, { recursive: true, verbatimSymlinks: true })
    // The fixture ships a stale cache of its own: the agent removing it is no change either.
    await mkdir(join(source, 'src/__pycache__'), { recursive: true })
    await writeFile(join(source, 'src/__pycache__/edit-me.pyc'), 'stale')
    await using sandbox = await createLocalSandbox({ workspace: source })
    const baseline = await prepareWorkspaceBaseline(sandbox)
    expect([...baseline.files.keys()].filter((path) => path.includes('pycache'))).toEqual([])
    for (const [path, content] of Object.entries(CACHES)) await sandbox.writeFile(path, content)
    await rm(join(sandbox.workdir, 'src/__pycache__'), { recursive: true })
    await sandbox.writeFile('src/edit-me.js', 'fixed\n')
    await sandbox.writeFile('target/kept.txt', 'target/ is not a default\n')
    const { files, patch } = await harvestPatch(sandbox)
    expect(files).toEqual(['src/edit-me.js', 'target/kept.txt'])
    expect(patch).not.toMatch(/__pycache__|\.pyc|_cache|node_modules/)
  })

  // Each way of writing an ignore file that would take a cache back, if the harvest obeyed it.
  const NEGATIONS: Array<[string, string, string]> = [
    ['the root .gitignore', '.gitignore', '!__pycache__/\n!*.pyc\n!node_modules/\n'],
    ['a nested .gitignore', 'tests/.gitignore', '!__pycache__/\n!*.pyc\n'],
    ['.git/info/exclude', '.git/info/exclude', '!__pycache__/\n!node_modules/\n'],
  ]

  test.each(NEGATIONS)(
    'a negation in %s written by the fixture takes no cache back',
    async (_, file, text) => {
      const source = join(host, `fixture-negates-${file.replace(/\W/g, '_')}`)
      await cp(fixture, source, { recursive: true, verbatimSymlinks: true })
      if (file.startsWith('.git/')) git(source, 'init', '-q')
      await mkdir(join(source, 'tests'), { recursive: true })
      await writeFile(join(source, file), text)
      await using sandbox = await createLocalSandbox({ workspace: source })
      await prepareWorkspaceBaseline(sandbox)
      await sandbox.writeFile('tests/__pycache__/test_a.cpython-311-pytest-9.0.3.pyc', 'planted')
      await sandbox.writeFile('node_modules/babel-preset-x/index.js', 'planted')
      await sandbox.writeFile('src/fix.js', 'fixed\n')
      expect((await harvestPatch(sandbox)).files).toEqual(['src/fix.js'])
    },
  )

  test.each(NEGATIONS)('a negation in %s written by the agent takes no cache back', async (_, file, text) => {
    await using sandbox = await createLocalSandbox({ workspace: fixture })
    await prepareWorkspaceBaseline(sandbox)
    if (file.startsWith('.git/')) await sandbox.exec(['git', 'init', '-q'])
    await sandbox.writeFile(file, text)
    await sandbox.writeFile('tests/__pycache__/test_a.cpython-311-pytest-9.0.3.pyc', 'planted')
    await sandbox.writeFile('node_modules/babel-preset-x/index.js', 'planted')
    const { files } = await harvestPatch(sandbox)
    expect(files).toEqual(file.startsWith('.git/') ? [] : [file])
  })

  test('ignore rules are the fixture’s, read at baseline time: the agent’s edits to them do not count', async () => {
    const source = join(host, 'ignore-rules')
    await mkdir(join(source, 'sub/deep'), { recursive: true })
    await writeFile(join(source, '.gitignore'), '# comment\n*.log\n/dist/\nsub/**/gen-*\n!keep.log\n')
    await writeFile(join(source, 'sub/.gitignore'), 'local.txt\n!important.log\n')
    await writeFile(join(source, 'sub/deep/kept.txt'), 'x\n')
    await using sandbox = await createLocalSandbox({ workspace: source })
    await prepareWorkspaceBaseline(sandbox)
    for (const path of [
      'a.log',
      'keep.log',
      'dist/bundle.js',
      'sub/dist/kept.js', // `/dist/` is anchored to the top
      'sub/deep/gen-1.txt',
      'sub/local.txt',
      'sub/deep/local.txt',
      'sub/important.log',
      'src/generated.out',
    ])
      await sandbox.writeFile(path, 'x\n')
    // The agent rewrites the ignore files: ignoring its own work, un-ignoring logs.
    await sandbox.writeFile('.gitignore', 'src/\n!*.log\n')
    await sandbox.writeFile('sub/.gitignore', '*\n')
    expect((await harvestPatch(sandbox)).files).toEqual([
      '.gitignore',
      'keep.log',
      'src/generated.out',
      'sub/.gitignore',
      'sub/dist/kept.js',
      'sub/important.log',
    ])
  })

  test('a workspace past the caps is refused with the cap and the option named', async () => {
    await using sandbox = await createLocalSandbox({ workspace: fixture })
    await prepareWorkspaceBaseline(sandbox)
    await sandbox.exec([
      'sh',
      '-c',
      'truncate -s 2G sparse.bin && mkdir many && touch many/f1 many/f2 many/f3',
    ])
    await expect(harvestPatch(sandbox, undefined, { maxBytes: 1024 * 1024 })).rejects.toThrow(
      /more than 1048576 bytes.*copyLimits\.workspaceBytes/,
    )
    await rm(join(sandbox.workdir, 'sparse.bin'))
    await expect(harvestPatch(sandbox, undefined, { maxFiles: 12 })).rejects.toThrow(
      /more than 12 entries.*copyLimits\.workspaceFiles/,
    )
    await expect(harvestPatch(sandbox, undefined, { maxFiles: -1 })).rejects.toThrow('`-1` (number)')
    expect((await harvestPatch(sandbox)).files).toEqual(['many/f1', 'many/f2', 'many/f3'])
  })

  test('harvesting without a baseline says what to call first', async () => {
    await using sandbox = await createLocalSandbox({})
    await expect(harvestPatch(sandbox)).rejects.toThrow(/prepareWorkspaceBaseline\(sandbox\)/)
  })

  test('an empty workdir needs no baseline read; a sandbox that cannot be read from the host is named', async () => {
    await using sandbox = await createLocalSandbox({ label: 'empty' })
    await sandbox.writeFile('made.txt', 'hello\n')
    expect((await harvestPatch(sandbox, EMPTY_BASELINE)).files).toEqual(['made.txt'])
    const opaque: Sandbox = { ...sandbox }
    for (const key of Object.getOwnPropertySymbols(opaque)) delete (opaque as never)[key]
    await expect(harvestPatch(opaque, EMPTY_BASELINE)).rejects.toThrow(/cannot be read from the host/)
  })
})
