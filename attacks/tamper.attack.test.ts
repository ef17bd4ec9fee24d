import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect } from 'vitest'
import { repoRoot } from '../e2e/support/paths.ts'
import { copyFixture, readJson, resultFiles, runVitest } from '../e2e/support/run-vitest.ts'
import type { RunFile, TestEntry } from '../src/store/schema.ts'
import { attack } from './support/attack.ts'

// Agents that fix nothing and change what the runner reads instead; graders.unitTests must
// refuse each change, list it in metadata.tampered, and still fail the case.
type Entries = Map<string, TestEntry>

async function runFixture(name: string, prepare: (dir: string) => void = () => {}): Promise<Entries> {
  const dir = copyFixture(name, 'attacks')
  prepare(dir)
  const run = await runVitest(dir, ['--project', 'evals'])
  const entries = resultFiles(join(dir, '.evals')).flatMap((file) => readJson<RunFile>(file).tests)
  if (entries.length === 0) throw new Error(`no results from ${name}:\n${run.stdout}\n${run.stderr}`)
  return new Map(entries.map((entry) => [entry.name, entry]))
}

let pytest: Entries
let js: Entries
beforeAll(async () => {
  ;[pytest, js] = await Promise.all([
    runFixture('tamper-pytest'),
    runFixture('tamper-js', (dir) => {
      const pkg = join(dir, 'node', 'node_modules', 'tiny-assert')
      mkdirSync(pkg, { recursive: true })
      writeFileSync(join(pkg, 'index.js'), "exports.equal = require('node:assert/strict').equal\n")
      for (const sub of ['vitest', 'jest', 'jest-config']) {
        symlinkSync(join(repoRoot, 'node_modules'), join(dir, sub, 'node_modules'))
      }
    }),
  ])
}, 600_000)

/** The case failed, and its unit-test grade lists `files` as tampered. */
function refused(entries: () => Entries, name: string, files: string[]): () => void {
  return () => {
    const entry = entries().get(name)
    expect(entry, name).toBeDefined()
    const grade = entry!.grades!.find((g) => g.name === 'unit tests')!
    expect(grade.explanation).not.toMatch(/could not/)
    expect(grade.metadata?.tampered).toEqual(expect.arrayContaining(files))
    expect(grade.explanation).toContain(files[0])
    expect({ pass: grade.pass, passed: entry!.passed }).toEqual({ pass: false, passed: false })
  }
}

describe('pytest (docker, evalbox-base)', () => {
  const p = () => pytest
  attack(
    'pytest: pyproject addopts plugin is refused and listed as tampered',
    refused(p, 'pyproject addopts plugin', ['pyproject.toml']),
  )
  attack(
    'pytest: setup.cfg addopts plugin is refused and listed as tampered',
    refused(p, 'setup.cfg addopts plugin', ['setup.cfg']),
  )
  attack(
    'pytest: tox.ini addopts plugin is refused and listed as tampered',
    refused(p, 'tox.ini addopts plugin', ['tox.ini']),
  )
  attack(
    'pytest: a pytest.py at the workspace root does not stand in for pytest',
    refused(p, 'pytest.py at the root', ['pytest.py']),
  )
  attack(
    'pytest: a conftest.py planted in a new subfolder is removed',
    refused(p, 'conftest.py in a new subfolder', ['lib/conftest.py']),
  )
  attack(
    'pytest: a sitecustomize.py on PYTHONPATH is refused',
    refused(p, 'sitecustomize.py on PYTHONPATH', ['src/sitecustomize.py']),
  )
  attack(
    'pytest: a planted __pycache__ .pyc of a weakened test is refused and never loaded',
    refused(p, 'planted .pyc in __pycache__', ['__pycache__/calc_test.cpython-311-pytest-7.2.1.pyc']),
  )
  attack(
    'pytest: a test file rewritten under a name the fixture config gives (python_files) is restored',
    refused(p, 'test file rewritten under a name the config gives', ['check_calc.py']),
  )
  attack('pytest: a real fix still passes, with exact counts and nothing tampered', () => {
    const grade = pytest.get('a real fix still passes with exact counts')!.grades![0]!
    expect(grade).toMatchObject({
      pass: true,
      metadata: { resolved: 'full', tampered: [], counts: { passed: 2, failed: 0 } },
    })
  })
})

describe('node:test and vitest (local)', () => {
  const j = () => js
  attack(
    'node:test: package.json imports redirecting the tests’ helper is refused',
    refused(j, 'node: package.json imports point the tests elsewhere', ['package.json']),
  )
  attack(
    'node:test: files planted under node_modules are refused',
    refused(j, 'node: node_modules package redirected', ['node_modules/tiny-assert/package.json']),
  )
  attack(
    'vitest: a vite.config with setupFiles is refused',
    refused(j, 'vitest: vite.config setupFiles', ['vite.config.mjs']),
  )
  attack(
    'vitest: a vitest.config with setupFiles is refused',
    refused(j, 'vitest: vitest.config setupFiles', ['vitest.config.mjs']),
  )
  attack(
    'vitest: .npmrc node-options (a preload that forges the report) is refused',
    refused(j, 'vitest: .npmrc node-options preload', ['.npmrc']),
  )
  attack('node:test and vitest: real fixes still pass with exact counts and nothing tampered', () => {
    for (const name of [
      'vitest: a real fix still passes with exact counts',
      'node: a real fix still passes with exact counts',
    ]) {
      const grade = js.get(name)!.grades![0]!
      expect(grade, name).toMatchObject({
        pass: true,
        metadata: { tampered: [], counts: { passed: 2, failed: 0, errors: 0 } },
      })
    }
  })
})

describe('jest (local, the repo’s jest 30)', () => {
  const j = () => js
  attack(
    'jest: a package.json jest key with setupFilesAfterEnv is refused',
    refused(j, 'jest: package.json jest key setupFilesAfterEnv', ['package.json']),
  )
  attack(
    'jest: a package.json jest key with testMatch is refused',
    refused(j, 'jest: package.json jest key testMatch', ['package.json']),
  )
  attack(
    'jest: a package.json jest key with a transform is refused',
    refused(j, 'jest: package.json jest key transform', ['package.json']),
  )
  attack(
    'jest: a babel.config.js whose plugin rewrites the tests is refused',
    refused(j, 'jest: babel.config.js rewrites the tests', ['babel.config.js']),
  )
  attack(
    'jest: a .babelrc whose plugin rewrites the tests is refused',
    refused(j, 'jest: .babelrc rewrites the tests', ['.babelrc']),
  )
  attack(
    'jest: a planted jest.config.js is refused',
    refused(j, 'jest: jest.config.js planted', ['jest.config.js']),
  )
  attack(
    'jest: a planted jest.config.mjs is refused',
    refused(j, 'jest: jest.config.mjs planted', ['jest.config.mjs']),
  )
  attack(
    'jest: a __mocks__ file standing in for the module under test is removed',
    refused(j, 'jest: __mocks__ stands in for the module under test', ['__mocks__/calc.js']),
  )
  attack(
    'jest: the setup file the fixture’s config names is restored',
    refused(j, 'jest: the setup file the config names is rewritten', ['support/matchers.js']),
  )
  attack(
    'jest: the transform the fixture’s config names is restored',
    refused(j, 'jest: the transform the config names is rewritten', ['support/transform.js']),
  )
  attack('jest: real fixes still pass with exact counts and nothing tampered', () => {
    for (const name of [
      'jest: a real fix still passes with exact counts',
      'jest: a real fix with the project config still passes with exact counts',
    ]) {
      const grade = js.get(name)!.grades![0]!
      expect(grade, name).toMatchObject({
        pass: true,
        metadata: {
          framework: 'jest',
          tampered: [],
          counts: { passed: 2, failed: 0, skipped: 0, errors: 0 },
        },
      })
    }
    // Test ids as the jest parser reads them off jest 30's report.
    const listed = js.get('jest: a real fix with the project config still passes with exact counts')!
    expect(listed.grades![0]!.metadata).toMatchObject({
      resolved: 'full',
      failToPass: { passing: 1, total: 1 },
      passToPass: { passing: 1, total: 1 },
    })
  })
})
