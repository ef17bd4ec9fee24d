import { sandboxLabel } from '../compare/compare-runs.ts'
import { budgetTag } from '../compare/failure-reason.ts'
import type { Comparison } from '../compare/types.ts'
import { caseKey } from '../store/baseline.ts'
import type { NotRunEntry, RunFile, TestEntry } from '../store/schema.ts'

// Everything outside XML 1.0's Char production (C0 controls but tab/LF/CR, U+FFFE/U+FFFF,
// lone surrogates) makes a document unreadable; such characters are dropped.
const ILLEGAL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' }
const ATTR_ESCAPES: Record<string, string> = {
  ...TEXT_ESCAPES,
  '"': '&quot;',
  "'": '&apos;',
  // Parsers turn raw whitespace in attributes into spaces; references keep it.
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
}

/** Text content: illegal characters dropped, `& < >` escaped. */
export function xmlText(text: string): string {
  return text.replace(ILLEGAL, '').replace(/[&<>]/g, (c) => TEXT_ESCAPES[c]!)
}

/** An attribute value: illegal characters dropped, `& < > " '` and tab/CR/LF escaped. */
export function xmlAttr(value: string | number): string {
  return String(value)
    .replace(ILLEGAL, '')
    .replace(/[&<>"'\t\n\r]/g, (c) => ATTR_ESCAPES[c]!)
}

function attrs(pairs: Array<[string, string | number | undefined]>): string {
  return pairs
    .filter((p): p is [string, string | number] => p[1] !== undefined)
    .map(([name, value]) => ` ${name}="${xmlAttr(value)}"`)
    .join('')
}

const seconds = (ms: number) => (ms / 1000).toFixed(3)

function properties(pairs: Array<[string, string | number | boolean | undefined]>, indent: string): string[] {
  const present = pairs.filter((p): p is [string, string | number | boolean] => p[1] !== undefined)
  if (present.length === 0) return []
  return [
    `${indent}<properties>`,
    ...present.map(
      ([name, value]) =>
        `${indent}  <property${attrs([
          ['name', name],
          ['value', String(value)],
        ])}/>`,
    ),
    `${indent}</properties>`,
  ]
}

function failureLines(test: TestEntry): string[] {
  // The headline (root cause first) is the failure's message.
  const lines: string[] = test.headline?.trim() ? [test.headline.trim()] : []
  if (test.exit_reason && test.exit_reason !== 'success') {
    const at = test.timeout_at_turn === undefined ? '' : ` at turn ${test.timeout_at_turn}`
    lines.push(`exit: ${test.exit_reason}${at}`)
  }
  if (test.error?.trim()) lines.push(test.error.trim())
  for (const grade of test.grades ?? []) {
    if (!grade.pass)
      lines.push(`✗ ${grade.name}${grade.score === null ? ' (unscored)' : ''}: ${grade.explanation}`)
  }
  return lines.length > 0 ? lines : ['the eval failed']
}

/** Sandbox changes of a run's cases against its comparison, by case key: `docker → local`. */
type SandboxChanges = ReadonlyMap<string, string>

function sandboxChanges(comparison: Comparison | undefined): SandboxChanges {
  const changes = new Map<string, string>()
  for (const d of comparison?.deltas ?? [])
    if (d.sandbox_change) changes.set(d.key, `${d.sandbox_change.before} → ${d.sandbox_change.after}`)
  return changes
}

function testcase(test: TestEntry, run: RunFile, changes: SandboxChanges): string[] {
  const head = `    <testcase${attrs([
    ['name', test.name],
    ['classname', test.suite || test.file || run.tier],
    ['file', test.file],
    ['line', test.line],
    ['time', seconds(test.duration_ms)],
  ])}>`
  const lines = [
    head,
    ...properties(
      [
        ['score', test.score === null ? 'unscored' : test.score],
        ['cost_usd', test.cost_usd],
        ['turns_used', test.turns_used],
        ['exit_reason', test.exit_reason],
        ['tier', test.tier],
        ['attempts', test.attempts],
        ['repeat', test.repeat === undefined ? undefined : `${test.repeat}/${test.repeats ?? '?'}`],
        ['flaky', test.flaky],
        ['budget_stop', budgetTag(test)],
        ['sandbox', test.sandbox && sandboxLabel(test.sandbox)],
        ['sandbox_change', changes.get(caseKey(test))],
      ],
      '      ',
    ),
  ]
  if (!test.passed) {
    const detail = failureLines(test)
    const type = test.exit_reason && test.exit_reason !== 'success' ? test.exit_reason : 'eval_failed'
    const message = detail[0]!.split('\n')[0]!
    lines.push(
      `      <failure${attrs([
        ['message', message],
        ['type', type],
      ])}>${xmlText(detail.join('\n'))}</failure>`,
    )
  }
  lines.push('    </testcase>')
  return lines
}

function skippedCase(entry: NotRunEntry, run: RunFile): string {
  const head = attrs([
    ['name', entry.name],
    ['classname', entry.suite || entry.file || run.tier],
    ['file', entry.file],
    ['time', '0.000'],
  ])
  const why = entry.reason ? `${entry.status}: ${entry.reason}` : entry.status
  return `    <testcase${head}><skipped${attrs([['message', why]])}/></testcase>`
}

function testsuite(run: RunFile, comparison: Comparison | undefined): string[] {
  const changes = sandboxChanges(comparison)
  const notRun = run.not_run ?? []
  const head = attrs([
    ['name', run.tier],
    ['tests', run.tests.length + notRun.length],
    ['failures', run.tests.filter((t) => !t.passed).length],
    ['errors', 0],
    ['skipped', notRun.length],
    ['time', seconds(run.wall_clock_ms ?? run.total_duration_ms)],
    ['timestamp', run.timestamp],
    ['hostname', run.hostname],
  ])
  return [
    `  <testsuite${head}>`,
    ...properties(
      [
        ['tier', run.tier],
        ['version', run.version],
        ['branch', run.branch],
        ['git_sha', run.git_sha],
        ['run_id', run.run_id],
        ['total_cost_usd', run.total_cost_usd],
        ['partial', run._partial === true ? true : undefined],
      ],
      '    ',
    ),
    ...run.tests.flatMap((test) => testcase(test, run, changes)),
    ...notRun.map((entry) => skippedCase(entry, run)),
    '  </testsuite>',
  ]
}

/**
 * JUnit XML for CI test panels (GitLab, Jenkins, Buildkite, CircleCI): one `<testsuite>` per
 * run file, which is one per tier, named after the tier. Each test is a `<testcase>` (name,
 * classname = the suite, file, line, time in seconds) with `<properties>` carrying eval data
 * (score, cost_usd, turns_used, exit_reason, tier, attempts, repeat, flaky, budget_stop, sandbox,
 * and sandbox_change when `comparisons[i]` — the comparison of `runs[i]` with its earlier run —
 * found the case in another sandbox, e.g. `docker → local`) and a `<failure>` for failures,
 * whose message is the case's headline; tests that did not run are `<skipped/>`. Every value is escaped and
 * characters XML 1.0 forbids are dropped, so the document always parses. Pure.
 */
export function junitXml(
  runs: readonly RunFile[],
  comparisons: readonly (Comparison | undefined)[] = [],
): string {
  let tests = 0
  let failures = 0
  let skipped = 0
  let ms = 0
  for (const run of runs) {
    const notRun = run.not_run?.length ?? 0
    tests += run.tests.length + notRun
    failures += run.tests.filter((t) => !t.passed).length
    skipped += notRun
    ms += run.wall_clock_ms ?? run.total_duration_ms
  }
  const root = attrs([
    ['name', 'evalbox'],
    ['tests', tests],
    ['failures', failures],
    ['errors', 0],
    ['skipped', skipped],
    ['time', seconds(ms)],
  ])
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${root}>`,
    ...runs.flatMap((run, i) => testsuite(run, comparisons[i])),
    '</testsuites>',
    '',
  ].join('\n')
}
