import type { ParsedTest, ParsedTests, TestCounts, TestStatus } from '../types.ts'

// CSI sequences (colours, cursor moves) and OSC sequences (hyperlinks) that runners print
// when they think a terminal is attached (FORCE_COLOR, some CI settings).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escapes is the point
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g

/** The text's lines without terminal escapes and carriage returns. */
export function plainLines(text: string): string[] {
  return text.replace(ANSI, '').replace(/\r\n?/g, '\n').split('\n')
}

/** Counts of a list of tests by status. */
export function tally(tests: readonly ParsedTest[]): TestCounts {
  const counts: TestCounts = { passed: 0, failed: 0, skipped: 0, errors: 0 }
  for (const test of tests) counts[COUNT_KEY[test.status]]++
  return counts
}

const COUNT_KEY: Record<TestStatus, keyof TestCounts> = {
  passed: 'passed',
  failed: 'failed',
  skipped: 'skipped',
  error: 'errors',
}

const RANK: Record<TestStatus, number> = { passed: 0, skipped: 1, failed: 2, error: 3 }

/**
 * The worse of two statuses. A test reported twice keeps its worst outcome, so a line a
 * test prints cannot turn a real failure into a pass (Go before 1.20 reads a printed
 * `--- PASS: TestX` as a result).
 */
export function worse(a: TestStatus, b: TestStatus): TestStatus {
  return RANK[b] > RANK[a] ? b : a
}

/** A parse that found nothing. */
export function nothing(): ParsedTests {
  return { counts: undefined, tests: [] }
}

/** Values of the report files whose path ends with one of `extensions`. */
export function reportsEnding(
  files: Readonly<Record<string, string>> | undefined,
  ...extensions: string[]
): string[] {
  return Object.entries(files ?? {})
    .filter(([path]) => extensions.some((extension) => path.endsWith(extension)))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, content]) => content)
}
