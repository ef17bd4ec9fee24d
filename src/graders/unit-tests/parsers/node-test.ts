import type { ParsedTest, ParsedTests, TestCounts, TestOutputParser, TestStatus } from '../types.ts'
import { plainLines, tally } from './text.ts'

/**
 * node:test, TAP reporter (`--test-reporter=tap`, the default command) or the spec
 * reporter. Counts come from the runner's closing lines (`# pass 5` / `ℹ pass 5`): pass,
 * fail, skipped + todo, cancelled (timeouts, cancelled subtests) as errors. Statuses come
 * from the test points; suites (`describe`) are not tests and are left out, as node does.
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
}

const POINT = /^(not ok|ok)\b(?:\s+\d+)?(?:\s+-\s+((?:\\.|[^\\#])*?))?\s*(?:#\s*(SKIP|TODO)\b.*)?$/i
const SUBTEST = /^# Subtest: (.*)$/
const TAP_COUNT = /^# (tests|pass|fail|cancelled|skipped|todo) (\d+)$/

function parseTap(lines: string[]): ParsedTests {
  const points: Point[] = []
  const names: string[] = []
  const summary: Record<string, number> = {}
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
      })
      continue
    }
    const count = indent === 0 ? TAP_COUNT.exec(body) : null
    if (count) summary[count[1]!] = Number(count[2])
  }
  const tests = points.filter((point) => !point.suite).map(testOf)
  return { counts: countsOf(summary) ?? (tests.length > 0 ? tally(tests) : undefined), tests }
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
    const status: TestStatus = skipped ? 'skipped' : mark === '✔' ? 'passed' : 'failed'
    tests.push({ name: [...names.slice(0, level), name].join(' > '), status })
  }
  return { counts: countsOf(summary) ?? (tests.length > 0 ? tally(tests) : undefined), tests }
}
