/** Test frameworks whose output the `unitTests` grader understands. */
export type UnitTestFramework = 'pytest' | 'node' | 'vitest' | 'jest' | 'go' | 'cargo' | 'maven'

/** Every framework, in the order `detectFramework` documents. */
export const FRAMEWORKS: readonly UnitTestFramework[] = [
  'pytest',
  'node',
  'vitest',
  'jest',
  'go',
  'cargo',
  'maven',
]

/**
 * Outcome of one test. `skipped` covers skips, todos and expected failures (pytest
 * `xfail`); `error` covers tests that could not run to a verdict (setup errors, suites
 * that failed to load, timeouts and cancellations, packages that failed to build).
 */
export type TestStatus = 'passed' | 'failed' | 'skipped' | 'error'

/** How many tests ended each way. */
export interface TestCounts {
  passed: number
  failed: number
  skipped: number
  errors: number
}

/** One test as the framework names it (see each parser for the id format). */
export interface ParsedTest {
  name: string
  status: TestStatus
}

/** What a parser found; `counts` is undefined when the output holds no recognisable result. */
export interface ParsedTests {
  counts: TestCounts | undefined
  tests: ParsedTest[]
  /**
   * Test files the runner ran that reported no test at all, as the runner names them
   * (node:test lists such a file as one passing "test" named by its absolute path: a file
   * whose process exited before its tests ran, or a helper without tests). They are not in
   * `tests` or `counts`; the grader decides which of them should have held tests.
   */
  emptyFiles?: string[]
  /**
   * Why a report file among the parser's `files` could not be read (not well-formed XML, or
   * too large); the results then come from the printed output alone.
   */
  reportError?: string
}

/**
 * A pure parser: the command's output (stdout then stderr) and the report files read from
 * the verifier after the run (path → content), to counts and per-test statuses.
 */
export type TestOutputParser = (output: string, files?: Readonly<Record<string, string>>) => ParsedTests
