import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect } from 'vitest'
import { copyFixture, readJson, resultFiles, runVitest } from '../e2e/support/run-vitest.ts'
import { dockerAvailable } from '../src/sandbox/docker/test-support.ts'
import type { RunFile, TestEntry } from '../src/store/schema.ts'
import { attack } from './support/attack.ts'

const docker = await dockerAvailable()

/** Runs the harvest fixture with one provider; returns each case's entry and its run folder. */
async function runProject(provider: 'local' | 'docker', files: string[]) {
  const dir = copyFixture('harvest-project', 'attacks')
  const run = await runVitest(dir, files, { env: { EVALBOX_SANDBOX: provider } })
  const [file] = resultFiles(join(dir, '.evals')).map((path) => readJson<RunFile>(path))
  if (!file) throw new Error(`no result file:\n${run.stdout}\n${run.stderr}`)
  const entries = new Map(file.tests.map((test) => [test.name, test]))
  const entry = (name: string): TestEntry => {
    const found = entries.get(name)
    if (!found) throw new Error(`no entry "${name}":\n${run.stdout}`)
    return found
  }
  const kept = (e: TestEntry, name: string) => join(dir, '.evals', e.artifacts?.[name] ?? '/nonexistent')
  return { dir, run, entry, kept }
}

type Project = Awaited<ReturnType<typeof runProject>>

const CACHE = /__pycache__|\.pyc|node_modules/

/** The case passed, its patch holds the fix and no cache, and its harvest lists `files`. */
function harvestedWithoutCaches(project: Project, name: string, files: string[]): void {
  const e = project.entry(name)
  expect(e.harvest?.files, JSON.stringify(e)).toEqual(files)
  const patch = readFileSync(project.kept(e, 'patch'), 'utf8')
  expect(patch).toContain('+    return a + b')
  const patched = patch.split('\n').filter((line) => line.startsWith('diff --git '))
  expect(patched).toHaveLength(files.length)
  expect(patched.filter((line) => CACHE.test(line))).toEqual([])
  expect(e).toMatchObject({ passed: true, exit_reason: 'success' })
}

function outputAttacks(project: () => Project, provider: string): void {
  attack(
    `harvest (${provider}): an escaping symlink in the outputs is skipped and reported; the rest is kept`,
    () => {
      const e = project().entry('escaping symlinks in the outputs')
      expect(e, JSON.stringify(e)).toMatchObject({ passed: true, exit_reason: 'success' })
      expect(e.error).toBeUndefined()
      const output = project().kept(e, 'output')
      expect(readFileSync(join(output, 'report.txt'), 'utf8')).toBe('report\n')
      expect(readFileSync(join(output, 'sub/kept.txt'), 'utf8')).toBe('kept\n')
      expect(readdirSync(output).sort()).toEqual(['report.txt', 'sub'])
      expect(readdirSync(join(output, 'sub'))).toEqual(['kept.txt'])
      expect(e.metrics?.outputs).toMatch(/left out 2 of the sandbox outputs.*passwd.*\/etc\/passwd.*sub\/up/)
    },
  )

  attack(
    `harvest (${provider}): a 2 GB sparse file and 10,000+ files in the outputs are capped and recorded`,
    () => {
      const e = project().entry('a huge sparse file and many files in the outputs')
      expect(e, JSON.stringify(e)).toMatchObject({ passed: true, exit_reason: 'success' })
      const output = project().kept(e, 'output')
      expect(readFileSync(join(output, 'a-report.txt'), 'utf8')).toBe('report\n')
      expect(existsSync(join(output, 'sparse.bin'))).toBe(false)
      expect(readdirSync(join(output, 'many')).length).toBeLessThan(10_000)
      const used = Number(execFileSync('du', ['-sk', output], { encoding: 'utf8' }).split('\t')[0])
      expect(used).toBeLessThan(100 * 1024)
      expect(e.metrics?.outputs).toMatch(/cap of 10000 entries.*and \d+ more/)
    },
  )

  attack(
    `harvest (${provider}): a 2 GB sparse file in the workspace fails as infrastructure, naming the cap`,
    () => {
      const e = project().entry('a huge sparse file in the workspace')
      expect(e, JSON.stringify(e)).toMatchObject({ passed: false, exit_reason: 'sandbox_error' })
      expect(e.error).toMatch(
        /could not harvest the agent's changes.*more than 268435456 bytes.*copyLimits\.workspaceBytes/,
      )
      expect(e.harvest).toBeUndefined()
    },
  )
}

function cacheAttacks(project: () => Project, provider: string): void {
  attack(
    `harvest (${provider}): an agent's .gitignore with !__pycache__/ brings no planted .pyc into the patch`,
    () => harvestedWithoutCaches(project(), 'gitignore negates __pycache__', ['.gitignore', 'calc.py']),
  )
  attack(
    `harvest (${provider}): an agent's .gitignore with !node_modules/ brings no babel preset into the patch`,
    () => harvestedWithoutCaches(project(), 'gitignore negates node_modules', ['.gitignore', 'calc.py']),
  )
  attack(
    `harvest (${provider}): a nested tests/.gitignore with !__pycache__/ brings no .pyc into the patch`,
    () =>
      harvestedWithoutCaches(project(), 'nested gitignore negates __pycache__', [
        'calc.py',
        'tests/.gitignore',
      ]),
  )
  attack(`harvest (${provider}): negations in .git/info/exclude bring no cache into the patch`, () =>
    harvestedWithoutCaches(project(), 'info exclude negates caches', ['calc.py']),
  )
}

describe('harvest attacks, local sandbox', () => {
  let project: Project
  beforeAll(async () => {
    project = await runProject('local', ['evals/harvest.eval.ts'])
  }, 300_000)
  cacheAttacks(() => project, 'local')
  outputAttacks(() => project, 'local')
})

describe.skipIf(!docker.ok)('harvest attacks, docker sandbox', () => {
  let project: Project
  beforeAll(async () => {
    project = await runProject('docker', [])
  }, 600_000)
  cacheAttacks(() => project, 'docker')
  outputAttacks(() => project, 'docker')

  attack('harvest (docker): an image without git still harvests the fix, and it is graded', () => {
    const e = project.entry('an image without git: the fix is harvested and graded')
    expect(e, JSON.stringify(e)).toMatchObject({
      passed: true,
      exit_reason: 'success',
      harvest: { files: ['calc.py'], filesChanged: 1 },
    })
    expect(e.grades?.map((grade) => [grade.name, grade.pass])).toEqual([
      ['contains("no-git")', true],
      ['the fix is in the patch', true],
      ['unit tests', true],
    ])
    expect(e.grades?.[2]?.metadata).toMatchObject({ patch: 'applied', counts: { passed: 1, failed: 0 } })
  })

  attack('harvest (docker): in an image without git, a non-fix is graded failing, not unscored', () => {
    const grade = project.entry('an image without git: a non-fix is graded failing, not unscored').grades![0]!
    expect(grade).toMatchObject({
      pass: false,
      score: 0,
      metadata: { patch: 'applied', counts: { failed: 1 } },
    })
  })
})
