import type { ParsedTest, ParsedTests, TestCounts, TestOutputParser, TestStatus } from '../types.ts'
import { plainLines, tally } from './text.ts'

/**
 * node:test, TAP reporter (`--test-reporter=tap`, the default command) or the spec
 * reporter. Counts come from the runner's closing lines (`# pass 5` / `ℹ pass 5`): pass,
 * fail, skipped + todo, cancelled (timeouts, cancelled subtests) as errors. Statuses come
 * from the test points; suites (`describe`) are not tests and are left out, as node does.
 *
 * A test file that reported no test is listed by node as one passing top-level "test"
 * named by the file's path (absolute in node 18 and 20, relative to the working directory
 * in node 22): its process exited before any test ran (code under
 * test calling `process.exit(0)`), or it is a helper without tests. Such entries are not
 * tests: they go to `emptyFiles` and out of the pass count. A file that failed to run
 * (`not ok`, a syntax error or a non-zero exit) stays a failed test.
 *
 * Test ids are the names from the outermost `describe`/`test` down, joined with ` > `
 * (`math > nested > adds zero`). Whatever a test prints reaches TAP only as `#` comments,
 * so printed `ok` lines are never read as results.
 */
export const parseNodeTest: TestOutputParser = (output) => {
  const lines = plainLines(output)
  return lines.some((line) => /^TAP version \d+/.test(line)) ? parseTap(lines) : parseSpec(lines)
}

interface Point {
  names: string[]
  indent: number
  ok: boolean
  directive: string | undefined
  suite: boolean
  failureType: string | undefined
  children: boolean
}

// Node names a file-level entry by the file's path: absolute (POSIX or Windows) in node 18
// and 20, relative in node 22. A test's own name with no space ending in `.js` would match too,
// which is a price worth a cheat that cannot hide behind a relative name.
const FILE_PATH = /^(?:(?:\/|[A-Za-z]:[\\/]).*|[^\s]+)\.[cm]?[jt]sx?$/

/** The file-level entry of a test file that reported no test (see `parseNodeTest`). */
function isEmptyFile(name: string, level: number, ok: boolean, children: boolean, skipped: boolean): boolean {
  return level === 0 && ok && !children && !skipped && FILE_PATH.test(name)
}

/** Drops the entries of empty files from node's pass count, which includes them. */
function withoutEmptyFiles(
  counts: TestCounts | undefined,
  emptyFiles: readonly string[],
): TestCounts | undefined {
  if (!counts || emptyFiles.length === 0) return counts
  return { ...counts, passed: Math.max(0, counts.passed - emptyFiles.length) }
}

const POINT = /^(not ok|ok)\b(?:\s+\d+)?(?:\s+-\s+((?:\\.|[^\\#])*?))?\s*(?:#\s*(SKIP|TODO)\b.*)?$/i
const SUBTEST = /^# Subtest: (.*)$/
const TAP_COUNT = /^# (tests|pass|fail|cancelled|skipped|todo) (\d+)$/

function parseTap(lines: string[]): ParsedTests {
  const points: Point[] = []
  const names: string[] = []
  const summary: Record<string, number> = {}
  // Whether a point was seen at the level below each level since that level's last point:
  // nested points come before their parent's.
  const childSeen: boolean[] = []
  let yamlEnd: string | undefined
  for (const line of lines) {
    const indent = line.length - line.trimStart().length
    const body = line.trim()
    const last = points.at(-1)
    if (yamlEnd !== undefined) {
      if (line === yamlEnd) yamlEnd = undefined
      else if (last && indent === last.indent + 2) {
        if (/^type: '?suite'?$/.test(body)) last.suite = true
        const failure = /^failureType: '?(\w+)'?$/.exec(body)
        if (failure) last.failureType = failure[1]
      }
      continue
    }
    if (body === '---' && last && indent === last.indent + 2) {
      yamlEnd = `${' '.repeat(indent)}...`
      continue
    }
    const level = Math.floor(indent / 4)
    const subtest = SUBTEST.exec(body)
    if (subtest) {
      names.length = level
      names[level] = unescapeName(subtest[1]!)
      continue
    }
    const point = POINT.exec(body)
    if (point) {
      const name = unescapeName(point[2] ?? '')
      points.push({
        names: [...names.slice(0, level), name],
        indent,
        ok: point[1]!.toLowerCase() === 'ok',
        directive: point[3]?.toUpperCase(),
        suite: false,
        failureType: undefined,
        children: childSeen[level] === true,
      })
      childSeen[level] = false
      if (level > 0) childSeen[level - 1] = true
      continue
    }
    const count = indent === 0 ? TAP_COUNT.exec(body) : null
    if (count) summary[count[1]!] = Number(count[2])
  }
  const emptyFiles: string[] = []
  const tests: ParsedTest[] = []
  for (const point of points) {
    if (point.suite) continue
    const level = point.names.length - 1
    if (isEmptyFile(point.names[level]!, level, point.ok, point.children, point.directive !== undefined)) {
      emptyFiles.push(point.names[level]!)
    } else tests.push(testOf(point))
  }
  return result(countsOf(summary), tests, emptyFiles)
}

function result(summary: TestCounts | undefined, tests: ParsedTest[], emptyFiles: string[]): ParsedTests {
  const counts =
    withoutEmptyFiles(summary, emptyFiles) ??
    (tests.length > 0 || emptyFiles.length > 0 ? tally(tests) : undefined)
  return { counts, tests, ...(emptyFiles.length > 0 && { emptyFiles }) }
}

// Node escapes `\` and `#` in TAP names.
function unescapeName(name: string): string {
  return name.replace(/\\(.)/g, '$1')
}

const CANCELLED = new Set(['cancelledByParent', 'testTimeoutFailure'])

function testOf(point: Point): ParsedTest {
  let status: TestStatus
  if (point.directive) status = 'skipped'
  else if (point.ok) status = 'passed'
  else status = point.failureType && CANCELLED.has(point.failureType) ? 'error' : 'failed'
  return { name: point.names.join(' > '), status }
}

function countsOf(summary: Record<string, number>): TestCounts | undefined {
  if (summary.pass === undefined && summary.fail === undefined) return undefined
  return {
    passed: summary.pass ?? 0,
    failed: summary.fail ?? 0,
    skipped: (summary.skipped ?? 0) + (summary.todo ?? 0),
    errors: summary.cancelled ?? 0,
  }
}

const SPEC_LINE = /^(✔|✖|﹣|▶)\s+(.*?)(?:\s+\([\d.]+m?s\))?(?:\s+#\s*(.*))?$/u
const SPEC_COUNT = /^ℹ (tests|pass|fail|cancelled|skipped|todo) (\d+)$/u

function parseSpec(lines: string[]): ParsedTests {
  const summary: Record<string, number> = {}
  const tests: ParsedTest[] = []
  const emptyFiles: string[] = []
  // Open suites by indent: a `▶ name` line opens one, the ✔/✖ line with the same name and
  // indent closes it (and is not a test).
  const suites: { indent: number; name: string }[] = []
  const names: string[] = []
  let listing = true
  for (const line of lines) {
    const body = line.trim()
    // The runner repeats failing tests after the summary; read each test once.
    if (/^✖ failing tests:$/u.test(body)) listing = false
    const count = SPEC_COUNT.exec(body)
    if (count) {
      summary[count[1]!] = Number(count[2])
      continue
    }
    const match = listing ? SPEC_LINE.exec(body) : null
    if (!match) continue
    const indent = line.length - line.trimStart().length
    const level = Math.floor(indent / 2)
    const [, mark, name = '', note = ''] = match
    if (mark === '▶') {
      suites.push({ indent, name })
      names.length = level
      names[level] = name
      continue
    }
    const open = suites.at(-1)
    if (open && open.indent === indent && open.name === name) {
      suites.pop()
      continue
    }
    const skipped = mark === '﹣' || /^(SKIP|TODO)\b/i.test(note)
    // A parent with children opens with `▶` and was closed above, so this entry has none.
    if (isEmptyFile(name, level, mark === '✔', false, skipped)) {
      emptyFiles.push(name)
      continue
    }
    const status: TestStatus = skipped ? 'skipped' : mark === '✔' ? 'passed' : 'failed'
    tests.push({ name: [...names.slice(0, level), name].join(' > '), status })
  }
  return result(countsOf(summary), tests, emptyFiles)
}
