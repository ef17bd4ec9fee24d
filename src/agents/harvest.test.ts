import { execFileSync } from 'node:child_process'
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createLocalSandbox } from '../sandbox/local/local-sandbox.ts'
import { EMPTY_BASELINE, harvestPatch, prepareWorkspaceBaseline, splitHarvest } from './harvest.ts'

const BINARY = Buffer.from([0, 1, 2, 3, 255, 254, 0, 10, 13, 10, 128])

async function tree(dir: string, prefix = ''): Promise<Record<string, string>> {
  const files: Record<string, string> = {}
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name
    if (entry.name === '.git') continue
    if (entry.isDirectory()) Object.assign(files, await tree(dir, path))
    else files[path] = (await readFile(join(dir, path))).toString('base64')
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
  beforeAll(async () => {
    host = await mkdtemp(join(tmpdir(), 'evalbox-harvest-'))
    fixture = join(host, 'fixture')
    await mkdir(join(fixture, 'src'), { recursive: true })
    await writeFile(join(fixture, 'src/edit-me.js'), 'line 1\nline 2\r\nline 3\n')
    await writeFile(join(fixture, 'delete-me.txt'), 'bye\n')
    await writeFile(join(fixture, 'same.txt'), 'unchanged\n')
    await writeFile(join(fixture, 'image.bin'), BINARY)
    await writeFile(join(fixture, '.gitignore'), 'build/\n')
  })
  afterAll(async () => {
    await rm(host, { recursive: true, force: true })
  })

  test('a patch with new, edited, deleted and binary files that applies back onto the fixture', async () => {
    await using sandbox = await createLocalSandbox({ workspace: fixture, label: 'harvest' })
    const baseline = await prepareWorkspaceBaseline(sandbox)
    expect(baseline.kind).toBe('init')
    expect(baseline.ref).toMatch(/^[0-9a-f]{40}$/)
    await sandbox.writeFile('src/edit-me.js', 'line 1\nline 2 changed\r\nline 3\n')
    await sandbox.exec(['rm', 'delete-me.txt'])
    await sandbox.writeFile('new/file.txt', 'hello\n')
    await sandbox.writeFile('image.bin', Buffer.concat([BINARY, Buffer.from([7, 0, 7])]))
    await sandbox.writeFile('new/blob.bin', Buffer.from([0, 0, 1, 2]))
    await sandbox.writeFile('build/out.js', 'ignored\n')

    const { patch, files } = await harvestPatch(sandbox)
    expect(files).toEqual(['delete-me.txt', 'image.bin', 'new/blob.bin', 'new/file.txt', 'src/edit-me.js'])
    expect(patch).toContain('deleted file mode 100644')
    expect(patch).toContain('GIT binary patch')
    expect(patch).not.toContain('build/out.js')

    // Applied to a fresh copy of the fixture, the patch gives the agent's workspace back.
    const copy = join(host, 'applied')
    await cp(fixture, copy, { recursive: true })
    await writeFile(join(host, 'patch.diff'), patch)
    execFileSync('git', ['apply', '--binary', join(host, 'patch.diff')], { cwd: copy })
    await rm(join(sandbox.workdir, 'build'), { recursive: true })
    expect(await tree(copy)).toEqual(await tree(sandbox.workdir))
    expect((await readFile(join(copy, 'src/edit-me.js'))).toString()).toBe(
      'line 1\nline 2 changed\r\nline 3\n',
    )
  })

  test('the baseline commit is the same for the same fixture, and an untouched workspace has no patch', async () => {
    await using first = await createLocalSandbox({ workspace: fixture })
    await using second = await createLocalSandbox({ workspace: fixture })
    const a = await prepareWorkspaceBaseline(first)
    const b = await prepareWorkspaceBaseline(second)
    expect(a.ref).toBe(b.ref)
    expect(await harvestPatch(first)).toEqual({ patch: '', files: [] })
  })

  test('changes the agent committed itself are part of the patch', async () => {
    await using sandbox = await createLocalSandbox({ workspace: fixture })
    await prepareWorkspaceBaseline(sandbox)
    await sandbox.writeFile('same.txt', 'changed and committed\n')
    const commit = await sandbox.exec([
      'sh',
      '-c',
      'git -c user.name=a -c user.email=a@a -c commit.gpgsign=false commit -qam agent',
    ])
    expect(commit.exitCode).toBe(0)
    expect((await harvestPatch(sandbox)).files).toEqual(['same.txt'])
  })

  test('a fixture that is a git repo is left untouched, and its own pending changes are not the agent’s', async () => {
    const repo = join(host, 'repo')
    await cp(fixture, repo, { recursive: true })
    git(repo, 'init', '-q')
    git(repo, 'add', '-A')
    git(repo, 'commit', '-qm', 'fixture')
    await writeFile(join(repo, 'same.txt'), 'pending change in the fixture\n')
    await writeFile(join(repo, 'untracked.txt'), 'untracked in the fixture\n')
    await using sandbox = await createLocalSandbox({ workspace: repo })
    const gitDir = join(sandbox.workdir, '.git')
    const snapshot = async () => ({
      head: git(sandbox.workdir, 'rev-parse', 'HEAD'),
      status: git(sandbox.workdir, 'status', '--porcelain'),
      index: (await readFile(join(gitDir, 'index'))).toString('base64'),
      objects: git(sandbox.workdir, 'count-objects', '-v'),
      refs: git(sandbox.workdir, 'for-each-ref'),
    })
    // `git status` refreshes the stat cache of the index, so take it once before comparing.
    await snapshot()
    const before = await snapshot()

    const baseline = await prepareWorkspaceBaseline(sandbox)
    expect(baseline.kind).toBe('existing')
    expect(baseline.objects?.startsWith(sandbox.workdir)).toBe(false)
    await sandbox.writeFile('src/edit-me.js', 'agent was here\n')
    await sandbox.writeFile('agent-new.txt', 'new\n')
    const { files, patch } = await harvestPatch(sandbox)

    expect(files).toEqual(['agent-new.txt', 'src/edit-me.js'])
    expect(patch).not.toContain('pending change')
    const after = await snapshot()
    expect({ ...after, status: undefined }).toEqual({ ...before, status: undefined })
    expect(after.status.split('\n').filter(Boolean).sort()).toEqual([
      ' M same.txt',
      ' M src/edit-me.js',
      '?? agent-new.txt',
      '?? untracked.txt',
    ])
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

  test.each(['init', 'existing'] as const)(
    'tool caches are left out of the %s baseline and of the patch; the fixture’s .gitignore and .git stay as they are',
    async (kind) => {
      const source = join(host, `caches-${kind}`)
      await cp(fixture, source, { recursive: true })
      // The fixture ships a stale cache of its own: the agent removing it is no change either.
      await mkdir(join(source, 'src/__pycache__'), { recursive: true })
      await writeFile(join(source, 'src/__pycache__/edit-me.pyc'), 'stale')
      if (kind === 'existing') {
        git(source, 'init', '-q')
        git(source, 'add', '-A')
        git(source, 'commit', '-qm', 'fixture')
      }
      await using sandbox = await createLocalSandbox({ workspace: source })
      const gitignore = await readFile(join(sandbox.workdir, '.gitignore'), 'utf8')
      const baseline = await prepareWorkspaceBaseline(sandbox)
      expect(baseline.kind).toBe(kind)
      for (const [path, content] of Object.entries(CACHES)) await sandbox.writeFile(path, content)
      await sandbox.exec(['rm', '-rf', 'src/__pycache__'])
      await sandbox.writeFile('src/edit-me.js', 'fixed\n')
      await sandbox.writeFile('target/kept.txt', 'target/ is not a default\n')

      const { files, patch } = await harvestPatch(sandbox)
      expect(files).toEqual(['src/edit-me.js', 'target/kept.txt'])
      expect(patch).not.toMatch(/__pycache__|\.pyc|_cache|node_modules/)
      expect(await readFile(join(sandbox.workdir, '.gitignore'), 'utf8')).toBe(gitignore)
      const exclude = join(sandbox.workdir, '.git/info/exclude')
      expect(await readFile(exclude, 'utf8').catch(() => '')).not.toContain('pycache')
      const status = git(sandbox.workdir, 'status', '--porcelain', '--untracked-files=all')
      // git itself, without evalbox's settings, still sees the caches: nothing was configured.
      expect(status).toContain('node_modules/left-pad/index.js')
    },
  )

  test('a fixture’s .gitignore can take a default exclude back', async () => {
    const source = join(host, 'keeps-node-modules')
    await cp(fixture, source, { recursive: true })
    await writeFile(join(source, '.gitignore'), 'build/\n!node_modules/\n')
    await using sandbox = await createLocalSandbox({ workspace: source })
    await prepareWorkspaceBaseline(sandbox)
    await sandbox.writeFile('node_modules/vendored/index.js', 'patched\n')
    await sandbox.writeFile('node_modules/vendored/__pycache__/x.pyc', 'pyc')
    expect((await harvestPatch(sandbox)).files).toEqual(['node_modules/vendored/index.js'])
  })

  test('harvesting without a baseline says what to call first', async () => {
    await using sandbox = await createLocalSandbox({})
    await expect(harvestPatch(sandbox)).rejects.toThrow(/prepareWorkspaceBaseline\(sandbox\)/)
  })

  test('splits names from the patch', () => {
    expect(splitHarvest('\0')).toEqual({ files: [], patch: '' })
    expect(splitHarvest('b\0a\0\0diff --git x')).toEqual({ files: ['a', 'b'], patch: 'diff --git x' })
  })
})

describe('the output probe', () => {
  test('the same exec says whether a folder has anything, and the patch is unchanged by it', async () => {
    await using sandbox = await createLocalSandbox({ label: 'probe' })
    await sandbox.writeFile('made.txt', 'hello\n')
    const empty = await harvestPatch(sandbox, EMPTY_BASELINE, { probe: sandbox.outputDir })
    expect(empty).toMatchObject({ files: ['made.txt'], probeHasFiles: false })
    await sandbox.writeFile(`${sandbox.outputDir}/report.md`, 'done\n')
    const full = await harvestPatch(sandbox, EMPTY_BASELINE, { probe: sandbox.outputDir })
    expect(full).toMatchObject({ files: ['made.txt'], probeHasFiles: true })
    expect(full.patch).toBe(empty.patch)
    expect((await harvestPatch(sandbox, EMPTY_BASELINE)).probeHasFiles).toBeUndefined()
  })
})
