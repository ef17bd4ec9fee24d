import * as z from 'zod'
import { lazy } from '../../core/lazy.ts'
import { graderOptions } from '../define.ts'
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

const globs = lazy(() => z.array(z.string().min(1)))

const optionsSchema = lazy(() =>
  z.strictObject({
    command: z
      .union([
        z.string().refine((command) => command.trim() !== '', 'must be a non-empty shell command'),
        z.array(z.string().min(1)).min(1),
      ])
      .optional(),
    framework: z.enum(['auto', ...FRAMEWORKS]).optional(),
    tests: globs().optional(),
    solutionFiles: globs()
      .min(1, "must have at least one glob such as 'src/**' (leave it out to take every change)")
      .optional(),
    failToPass: z.array(z.string().min(1)).optional(),
    passToPass: z.array(z.string().min(1)).optional(),
    timeoutMs: z.number().int().positive('must be a positive number of milliseconds').optional(),
    env: z.record(z.string(), z.string()).optional(),
    name: z.string().min(1).optional(),
  }),
)

/** Checks options at definition time; errors name the field, the value and the fix. */
export function resolveUnitTestsOptions(options: UnitTestsOptions): ResolvedUnitTestsOptions {
  graderOptions('graders.unitTests()', optionsSchema(), options)
  const { command } = options
  const argv = command === undefined ? [] : typeof command === 'string' ? ['sh', '-c', command] : [...command]
  return {
    argv,
    label: command === undefined ? undefined : typeof command === 'string' ? command : argv.join(' '),
    framework: options.framework ?? 'auto',
    tests: options.tests,
    solutionFiles: options.solutionFiles,
    failToPass: options.failToPass ?? [],
    passToPass: options.passToPass ?? [],
    timeoutMs: options.timeoutMs ?? 600_000,
    env: options.env ?? {},
    name: options.name ?? 'unit tests',
  }
}
