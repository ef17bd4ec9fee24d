import type { UnitTestFramework } from './types.ts'

/** How the grader runs one framework by default. */
export interface FrameworkDefaults {
  /**
   * Shell command run in the verifier's workdir when `command` is not given. It may write
   * a report to `$EVALBOX_TEST_REPORT` (a fresh path outside the workspace), which the
   * parser then prefers over the printed output.
   */
  command: string
  /** Trusted test files: globs relative to the workspace root. */
  tests: readonly string[]
  /** Extension of the `$EVALBOX_TEST_REPORT` file the parser reads, if any. */
  report?: '.xml' | '.json'
  /** Report files the tool writes inside the workspace (found with `find -path`). */
  workspaceReports?: string
}

// Mocks stand in for the modules the tests import; setup files run before every test file.
const JS_TESTS = [
  '**/*.test.*',
  '**/*.spec.*',
  '**/__tests__/**',
  '**/test/**',
  '**/tests/**',
  '**/__mocks__/**',
]
const SETUP_FILES = ['**/setupTests.*', '**/setup-tests.*', '**/test-setup.*']

/**
 * Defaults per framework. Commands write machine-readable reports where the tool allows:
 *
 * | framework | command |
 * | --- | --- |
 * | pytest | `python3 -B "$EVALBOX_PYTEST" -rA -o junit_family=xunit1 --junitxml="$EVALBOX_TEST_REPORT"` |
 * | node | `node --test --test-reporter=tap` |
 * | vitest | `npx --no -- vitest run --reporter=default --reporter=json --outputFile.json="$EVALBOX_TEST_REPORT"` |
 * | jest | `npx --no -- jest --ci --json --outputFile="$EVALBOX_TEST_REPORT"` |
 * | go | `go test -json ./...` |
 * | cargo | `cargo test --no-fail-fast` |
 * | maven | `mvn -B test` (surefire XML read from `target/surefire-reports/`) |
 *
 * `$EVALBOX_PYTEST` is evalbox's pytest launcher (`pytestLauncher`): pytest with the
 * fixture's config, loaded so that the workdir cannot shadow it.
 *
 * Trusted test files cover each runner's own discovery patterns plus test code that runs
 * with the tests (`conftest.py`, `__mocks__/`, setup files). The other files a runner reads
 * (configs, `package.json`, caches, `node_modules`) are `RUNNER_FILES`.
 */
export const FRAMEWORK_DEFAULTS: Readonly<Record<UnitTestFramework, FrameworkDefaults>> = {
  pytest: {
    command: 'python3 -B "$EVALBOX_PYTEST" -rA -o junit_family=xunit1 --junitxml="$EVALBOX_TEST_REPORT"',
    tests: ['**/test_*.py', '**/*_test.py', '**/conftest.py', '**/tests/**', '**/test/**'],
    report: '.xml',
  },
  node: {
    command: 'node --test --test-reporter=tap',
    tests: [...JS_TESTS, '**/*-test.*', '**/*_test.*', '**/test-*.*', '**/test.{js,mjs,cjs}'],
  },
  vitest: {
    command:
      'npx --no -- vitest run --reporter=default --reporter=json --outputFile.json="$EVALBOX_TEST_REPORT"',
    tests: [...JS_TESTS, ...SETUP_FILES, '**/vitest.setup.*'],
    report: '.json',
  },
  jest: {
    command: 'npx --no -- jest --ci --json --outputFile="$EVALBOX_TEST_REPORT"',
    tests: [...JS_TESTS, ...SETUP_FILES, '**/jest.setup.*'],
    report: '.json',
  },
  go: { command: 'go test -json ./...', tests: ['**/*_test.go', '**/testdata/**'] },
  cargo: { command: 'cargo test --no-fail-fast', tests: ['**/tests/**'] },
  maven: {
    command: 'mvn -B test',
    tests: ['**/src/test/**'],
    workspaceReports: '*/target/surefire-reports/TEST-*.xml',
  },
}

/** Test globs when the framework is unknown: every framework's. */
export const ALL_TEST_GLOBS: readonly string[] = [
  ...new Set(Object.values(FRAMEWORK_DEFAULTS).flatMap((defaults) => defaults.tests)),
]
