import { globMatcher } from '../../core/glob.ts'
import type { UnitTestFramework } from './types.ts'

/** Files that decide what a test runner runs, and why. */
export interface RunnerFiles {
  /** Why the runner reads them, for explanations: `pytest reads its config from it`. */
  why: string
  /** Globs relative to the workspace root (the dialect of `core/glob.ts`). */
  globs: readonly string[]
}

// Anywhere on sys.path (the workdir, `pythonpath`, PYTHONPATH entries), these run inside
// the runner or replace it. `.pth` files and site hooks run at interpreter start-up; a
// `*.dist-info` with a `pytest11` entry point is a plugin pytest loads by itself.
const PYTHON: readonly RunnerFiles[] = [
  {
    why: 'pytest reads its configuration from it',
    globs: [
      '**/pytest.ini',
      '**/.pytest.ini',
      '**/pytest.toml',
      '**/.pytest.toml',
      '**/pyproject.toml',
    ].concat(['**/tox.ini', '**/setup.cfg']),
  },
  {
    why: 'Python bytecode or a compiled module runs in place of the source',
    globs: ['**/__pycache__/**', '**/*.pyc', '**/*.pyo', '**/*.so', '**/*.pyd'],
  },
  {
    why: 'it shadows the runner’s own modules',
    globs: ['**/pytest.py', '**/pytest/**', '**/_pytest/**', '**/pluggy/**', '**/py.py', '**/iniconfig/**'],
  },
  {
    why: 'Python runs it at start-up or loads plugins from it',
    globs: [
      '**/sitecustomize.py',
      '**/usercustomize.py',
      '**/*.pth',
      '**/*.dist-info/**',
      '**/*.egg-info/**',
    ].concat(['**/*.egg-link']),
  },
  { why: 'it is pytest’s cache (`--lf`, `--sw` read it)', globs: ['**/.pytest_cache/**'] },
]

// `npx` reads `.npmrc` (`node-options=--import ...` reaches the runner); node reads every
// `package.json` (`type`, `imports`, `exports`, jest's `jest` key); bare imports resolve in
// any `node_modules`; transpilers (babel, TypeScript, SWC) rewrite the tests they compile.
const JS: readonly RunnerFiles[] = [
  { why: 'it holds installed packages the runner and the tests import', globs: ['**/node_modules/**'] },
  { why: 'node and the runner read it (type, imports, exports, jest)', globs: ['**/package.json'] },
  {
    why: 'npm, npx and node read options from it',
    globs: ['**/.npmrc', '**/.yarnrc', '**/.yarnrc.yml', '**/.pnpmfile.cjs', '**/node.config.json'],
  },
  {
    why: 'it configures the compiler that transforms the tests',
    globs: [
      '**/babel.config.*',
      '**/.babelrc',
      '**/.babelrc.*',
      '**/tsconfig*.json',
      '**/jsconfig*.json',
    ].concat(['**/.swcrc']),
  },
]

const VITE: RunnerFiles = {
  why: 'vitest reads its configuration from it',
  globs: ['**/vite.config.*', '**/vitest.config.*', '**/vitest.workspace.*', '**/vitest.projects.*'].concat([
    '**/postcss.config.*',
    '**/.postcssrc',
    '**/.postcssrc.*',
  ]),
}

const JEST: RunnerFiles = {
  why: 'jest reads its configuration from it',
  globs: ['**/jest.config.*', '**/jest-preset.*', '**/jest.preset.*'],
}

/**
 * Per framework, the files besides the tests that can change what the runner runs or
 * reports. The verifier never takes the agent's changes to them: a changed or deleted one
 * is put back as the fixture has it, an added one is removed, and each is listed in
 * `metadata.tampered`. Go, cargo and maven are covered by classifier tests only (their
 * toolchains are not in the test image).
 */
export const RUNNER_FILES: Readonly<Record<UnitTestFramework, readonly RunnerFiles[]>> = {
  pytest: PYTHON,
  node: JS,
  vitest: [...JS, VITE],
  jest: [...JS, JEST],
  go: [
    {
      why: 'go resolves modules through it (`replace`, `vendor/`)',
      globs: ['**/go.mod', '**/go.sum', '**/go.work', '**/go.work.sum', '**/vendor/**'],
    },
  ],
  cargo: [
    {
      why: 'cargo reads its build from it (`[patch]`, `[[test]] harness`, `build.rs`, a test `runner`)',
      globs: ['**/Cargo.toml', '**/Cargo.lock', '**/build.rs', '**/.cargo/**', '**/rust-toolchain'].concat([
        '**/rust-toolchain.toml',
        '**/vendor/**',
      ]),
    },
  ],
  maven: [
    {
      why: 'maven and surefire read their configuration from it (`testFailureIgnore`, `skipTests`)',
      globs: ['**/pom.xml', '**/.mvn/**', 'mvnw', 'mvnw.cmd'],
    },
    {
      why: 'the JUnit Platform loads listeners, filters and extensions from it',
      globs: ['**/META-INF/services/**', '**/junit-platform.properties'],
    },
  ],
}

/**
 * Why `path` is a runner file of `framework` (of any framework when it is unknown), or
 * undefined. Pure.
 */
export function runnerFileMatcher(
  framework: UnitTestFramework | undefined,
): (path: string) => string | undefined {
  const groups = framework ? RUNNER_FILES[framework] : Object.values(RUNNER_FILES).flat()
  const matchers = groups.map((group) => ({ why: group.why, matches: globMatcher(group.globs) }))
  return (path) => matchers.find((m) => m.matches(path))?.why
}
