import { describeValue, EvalboxError } from '../../errors.ts'
import { FRAMEWORKS, type UnitTestFramework } from './types.ts'

/** Options of `graders.unitTests`. */
export interface UnitTestsOptions {
  /**
   * The test command, run in the verifier's workdir: a shell string (`sh -c`) or an argv
   * array. `$EVALBOX_TEST_REPORT` holds a fresh path outside the workspace where the
   * command may write a report for the parser (pytest JUnit XML, jest/vitest JSON): a
   * string command's own shell variable, not exported (pass it as an argument); exported
   * to an argv command.
   * @default the framework's command (see `FRAMEWORK_DEFAULTS`)
   */
  command?: string | readonly string[]
  /**
   * Which parser reads the output, and which defaults apply. `'auto'` detects it from the
   * fixture (`detectFramework`); when nothing is recognised a `command` is required, and
   * the exit code alone decides.
   * @default 'auto'
   */
  framework?: UnitTestFramework | 'auto'
  /**
   * Trusted test files: globs relative to the workspace root (`**` spans folders). Files
   * the agent's patch changed that match are restored from the fixture before the run,
   * files it added that match are removed, and both are reported (`metadata.tampered`).
   * Test files the fixture's runner config names (pytest `python_files`, jest/vitest
   * `setupFiles`) are trusted too. Runner files (`RUNNER_FILES`: configs, `package.json`,
   * caches, `node_modules`) are never taken, whatever this says.
   * @default the framework's globs, e.g. pytest `['**\/test_*.py', '**\/*_test.py', '**\/conftest.py', '**\/tests/**', '**\/test/**']`
   */
  tests?: readonly string[]
  /**
   * Allowlist mode: globs of the files the agent's answer may change (`['src/**']`). Only
   * changes to matching files reach the verifier; the others are restored from the fixture
   * and listed in `metadata.ignored` (harmless files) or `metadata.tampered` (trusted tests
   * and runner files, which are never taken in either mode).
   * @default every change reaches the verifier except trusted tests and runner files
   */
  solutionFiles?: readonly string[]
  /**
   * Tests the fix must make pass (SWE-bench FAIL_TO_PASS), as the parser names them
   * (pytest node ids, node:test `describe > test` names, ...). With this or `passToPass`,
   * the grade passes only when `metadata.resolved` is `'full'` (see `Resolution`); empty
   * lists count as not given.
   * @default none
   */
  failToPass?: readonly string[]
  /** Tests that must keep passing (SWE-bench PASS_TO_PASS). @default none */
  passToPass?: readonly string[]
  /** Kill the test run after this many milliseconds (the grade fails). @default 600_000 */
  timeoutMs?: number
  /** Extra environment variables for the test command. @default {} */
  env?: Record<string, string>
  /** Grade name. @default 'unit tests' */
  name?: string
}

/** Options with defaults applied. */
export interface ResolvedUnitTestsOptions {
  argv: string[]
  label: string | undefined
  framework: UnitTestFramework | 'auto'
  tests: readonly string[] | undefined
  solutionFiles: readonly string[] | undefined
  failToPass: readonly string[]
  passToPass: readonly string[]
  timeoutMs: number
  env: Record<string, string>
  name: string
}

function invalid(field: string, value: unknown, expected: string): EvalboxError {
  return new EvalboxError(
    'GRADER_CONFIG',
    `unitTests: expected \`${field}\` to be ${expected}, got ${describeValue(value)}`,
  )
}

function stringList(field: string, value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === '')) {
    throw invalid(field, value, 'an array of non-empty strings')
  }
  return value
}

function solutionFiles(value: unknown): readonly string[] | undefined {
  const globs = stringList('solutionFiles', value)
  if (globs?.length === 0) {
    throw invalid(
      'solutionFiles',
      value,
      "at least one glob such as 'src/**' (leave it out to take every change)",
    )
  }
  return globs
}

/** Checks options at definition time; errors name the field, the value and the fix. */
export function resolveUnitTestsOptions(options: UnitTestsOptions): ResolvedUnitTestsOptions {
  if (typeof options !== 'object' || options === null) throw invalid('options', options, 'an object')
  const { command } = options
  let argv: string[] = []
  if (typeof command === 'string') {
    if (command.trim() === '') throw invalid('command', command, 'a non-empty shell command')
    argv = ['sh', '-c', command]
  } else if (command !== undefined) {
    argv = [...(stringList('command', command) ?? [])]
    if (argv.length === 0) throw invalid('command', command, 'a non-empty argv array or a shell string')
  }
  const framework = options.framework ?? 'auto'
  if (framework !== 'auto' && !FRAMEWORKS.includes(framework)) {
    throw invalid('framework', framework, `'auto' or one of ${FRAMEWORKS.map((f) => `'${f}'`).join(', ')}`)
  }
  const timeoutMs = options.timeoutMs ?? 600_000
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw invalid('timeoutMs', timeoutMs, 'a positive integer (milliseconds)')
  }
  const env = options.env ?? {}
  if (typeof env !== 'object' || env === null || Object.values(env).some((v) => typeof v !== 'string')) {
    throw invalid('env', env, 'an object of string values')
  }
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
    throw invalid('name', options.name, 'a non-empty string')
  }
  return {
    argv,
    label: command === undefined ? undefined : typeof command === 'string' ? command : argv.join(' '),
    framework,
    tests: stringList('tests', options.tests),
    solutionFiles: solutionFiles(options.solutionFiles),
    failToPass: stringList('failToPass', options.failToPass) ?? [],
    passToPass: stringList('passToPass', options.passToPass) ?? [],
    timeoutMs,
    env,
    name: options.name ?? 'unit tests',
  }
}
