import { describe, expect, test } from 'vitest'
import { globMatcher } from '../../core/glob.ts'
import { FRAMEWORK_DEFAULTS } from './frameworks.ts'
import { runnerFileMatcher } from './runner-files.ts'
import { sortChanges } from './sort-changes.ts'
import type { UnitTestFramework } from './types.ts'

// Jest, go, cargo and maven are not installed here: their rules are checked on paths only.
const REFUSED: Record<UnitTestFramework, string[]> = {
  pytest: [
    'pyproject.toml',
    'setup.cfg',
    'tox.ini',
    'pytest.ini',
    'sub/pytest.toml',
    'pytest.py',
    'src/_pytest/runner.py',
    'pluggy/__init__.py',
    'tests/__pycache__/test_calc.cpython-311-pytest-9.0.3.pyc',
    'calc.pyc',
    'calc.cpython-311-x86_64-linux-gnu.so',
    'sitecustomize.py',
    'src/usercustomize.py',
    'evil.pth',
    'forcepass-1.0.dist-info/entry_points.txt',
    '.pytest_cache/v/cache/lastfailed',
  ],
  node: ['package.json', 'lib/package.json', '.npmrc', 'node_modules/chai/index.js', 'node.config.json'],
  vitest: ['vite.config.ts', 'vitest.config.mjs', 'vitest.workspace.ts', 'package.json', 'tsconfig.json'],
  jest: ['package.json', 'babel.config.js', '.babelrc', 'jest.config.js', 'node_modules/.bin/jest', '.npmrc'],
  go: ['go.mod', 'go.sum', 'go.work', 'vendor/github.com/stretchr/testify/assert/assertions.go'],
  cargo: ['Cargo.toml', 'crates/a/Cargo.toml', 'build.rs', '.cargo/config.toml', 'rust-toolchain.toml'],
  maven: [
    'pom.xml',
    'module/pom.xml',
    '.mvn/maven.config',
    '.mvn/extensions.xml',
    'src/main/resources/META-INF/services/org.junit.platform.launcher.PostDiscoveryFilter',
    'src/main/resources/junit-platform.properties',
  ],
}

const APPLIED: Record<UnitTestFramework, string[]> = {
  pytest: ['calc.py', 'src/pkg/core.py', 'README.md', 'package.json', 'requirements.txt'],
  node: ['src/calc.js', 'lib/util.mjs', 'README.md', 'pyproject.toml', 'package-lock.json'],
  vitest: ['src/calc.ts', 'src/components/Button.tsx'],
  jest: ['src/calc.js', 'two-fer.js'],
  go: ['calc.go', 'internal/x/x.go'],
  cargo: ['src/lib.rs', 'src/main.rs'],
  maven: ['src/main/java/calc/Calc.java', 'src/main/resources/app.properties'],
}

describe('RUNNER_FILES', () => {
  test.each(Object.keys(REFUSED) as UnitTestFramework[])(
    '%s: what the runner reads is refused, the code is not',
    (fw) => {
      const why = runnerFileMatcher(fw)
      for (const path of REFUSED[fw]) expect(why(path), path).toEqual(expect.any(String))
      for (const path of APPLIED[fw]) expect(why(path), path).toBeUndefined()
    },
  )

  test('an unknown framework refuses what any runner reads', () => {
    const why = runnerFileMatcher(undefined)
    for (const path of Object.values(REFUSED).flat()) expect(why(path), path).toEqual(expect.any(String))
    expect(why('answer.txt')).toBeUndefined()
  })

  test('the reasons say what the runner does with the file', () => {
    expect(runnerFileMatcher('pytest')('pyproject.toml')).toBe('pytest reads its configuration from it')
    expect(runnerFileMatcher('jest')('babel.config.js')).toBe(
      'it configures the compiler that transforms the tests',
    )
    expect(runnerFileMatcher('jest')('package.json')).toContain('jest')
  })

  test('jest and vitest trust mocks and setup files as tests', () => {
    for (const fw of ['jest', 'vitest'] as const) {
      const isTest = globMatcher(FRAMEWORK_DEFAULTS[fw].tests)
      for (const path of [
        '__mocks__/axios.js',
        'src/__mocks__/api.js',
        'src/setupTests.ts',
        'test-setup.js',
      ]) {
        expect(isTest(path), `${fw} ${path}`).toBe(true)
      }
    }
  })
})

describe('sortChanges', () => {
  const rules = {
    isTest: globMatcher(FRAMEWORK_DEFAULTS.pytest.tests),
    runnerFile: runnerFileMatcher('pytest'),
  }
  const files = [
    { path: 'calc.py', change: 'modified' },
    { path: 'pyproject.toml', change: 'added' },
    { path: 'forcepass.py', change: 'added' },
    { path: 'tests/test_calc.py', change: 'modified' },
    { path: 'NOTES.md', change: 'deleted' },
    { path: '../outside.py', change: 'added' },
  ] as const

  test('trusted tests and runner files are tampering; other files are applied', () => {
    expect(sortChanges(files, rules)).toEqual({
      tampered: [
        { path: 'pyproject.toml', change: 'added', why: 'pytest reads its configuration from it' },
        { path: 'tests/test_calc.py', change: 'modified', why: 'a trusted test file' },
      ],
      ignored: [],
    })
  })

  test('with solutionFiles, other files are ignored, and tests and runner files are still tampering', () => {
    const sorted = sortChanges(files, { ...rules, isSolution: globMatcher(['*.py', 'pyproject.toml']) })
    expect(sorted.tampered.map((f) => f.path)).toEqual(['pyproject.toml', 'tests/test_calc.py'])
    expect(sorted.ignored).toEqual([{ path: 'NOTES.md', change: 'deleted' }])
  })
})
