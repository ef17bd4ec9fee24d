import { describe, expect, it } from 'vitest'
import { makeNotRun, makeRun, makeTest } from '../../compare/__fixtures__/runs.ts'
import { renderSummary } from './summary.ts'

const tests = [
  makeTest('review finds planted bugs', {
    turns_used: 12,
    duration_ms: 45_200,
    cost_usd: 0.42,
    detection_rate: 3,
    detected_bugs: ['a', 'b', 'c'],
    missed_bugs: ['d', 'e'],
  }),
  makeTest('judge rates the plan', {
    judge_scores: { clarity: 4, accuracy: 5 },
    duration_ms: 850,
    cost_usd: 0.01,
  }),
  makeTest('a test name that is much too long to fit in the name column of the table', {
    passed: false,
    turns_used: 30,
    exit_reason: 'timeout',
    timeout_at_turn: 30,
    duration_ms: 125_000,
    cost_usd: 1.5,
  }),
  makeTest('scored', { score: 0.875, flaky: true, attempts: 2 }),
]

describe('renderSummary', () => {
  it('renders one table with rows, not-run rows, totals and the file', () => {
    const run = makeRun(tests, {
      wall_clock_ms: 60_000,
      not_run: [
        makeNotRun('needs a key', { reason: 'no ANTHROPIC_API_KEY' }),
        makeNotRun('later', { status: 'todo' }),
      ],
    })
    expect(renderSummary(run, { file: '.evals/0.1.0-main-e2e-20260102-100000.json' })).toMatchInlineSnapshot(`
      "Eval results — v0.1.0 @ main (abc1234) — e2e
      ════════════════════════════════════════════════════════════════════════
        review finds planted bugs                     PASS  $0.42  12t    45s  3/5 det
        judge rates the plan                          PASS  $0.01       850ms  clarity:4 accuracy:5
        a test name that is much too long to fit in…  FAIL  $1.50  30t  2m05s  [timeout at turn 30]
        scored                                        PASS  $0.10         10s  score 0.88 (flaky)
        needs a key                                   SKIP                     no ANTHROPIC_API_KEY
        later                                         TODO
      ────────────────────────────────────────────────────────────────────────
        ✗ a test name that is much too long to fit in…: timeout at turn 30
      ────────────────────────────────────────────────────────────────────────
        Total: 3/4 passed, 1 skipped, 1 todo, 1 flaky — $2.03 — 3m01s (wall 1m00s)
      Saved: .evals/0.1.0-main-e2e-20260102-100000.json"
    `)
  })

  it('says plainly that a run is partial', () => {
    const run = makeRun([tests[0]!], {
      _partial: true,
      partial_reason: 'interrupted',
      not_run: [makeNotRun('never reached', { status: 'not_run' })],
    })
    expect(renderSummary(run)).toMatchInlineSnapshot(`
      "Eval results — v0.1.0 @ main (abc1234) — e2e
      ════════════════════════════════════════════════════════════════════════
      PARTIAL: the run was interrupted before it finished; 1 finished test recorded.
        review finds planted bugs  PASS     $0.42  12t  45s  3/5 det
        never reached              NOT RUN
      ────────────────────────────────────────────────────────────────────────
        Total: 1/1 passed, 1 not run — $0.42 — 45s"
    `)
  })

  it('handles a run with no tests', () => {
    expect(renderSummary(makeRun([], { version: 'v2', git_sha: 'unknown' }))).toMatchInlineSnapshot(`
      "Eval results — v2 @ main (unknown) — e2e
      ════════════════════════════════════════════════════════════════════════
        (no tests recorded)
      ────────────────────────────────────────────────────────────────────────
        Total: 0/0 passed — $0.00 — 0ms"
    `)
  })

  it('adds colour only when asked', () => {
    const run = makeRun(tests)
    expect(renderSummary(run)).not.toContain('\u001b[')
    const colored = renderSummary(run, { color: true })
    expect(colored).toContain('\u001b[31mFAIL\u001b[39m')
    expect(colored.replaceAll(new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g'), '')).toBe(
      renderSummary(run),
    )
  })
})

describe('long runs', () => {
  it('list failures first and cut the rest to maxRows, saying how many are hidden', () => {
    const tests = Array.from({ length: 120 }, (_, i) => makeTest(`case ${i}`, { passed: i !== 97 }))
    const text = renderSummary(makeRun(tests), { maxRows: 10 })
    const rows = text.split('\n').filter((line) => /^ {2}case \d+/.test(line))
    expect(rows).toHaveLength(10)
    expect(rows[0]).toMatch(/^ {2}case 97\s+FAIL/)
    expect(text).toContain('… and 110 more (npx evalbox show <file> --all lists every test)')
    expect(
      renderSummary(makeRun(tests), { maxRows: Number.POSITIVE_INFINITY })
        .split('\n')
        .filter((l) => /^ {2}case \d+/.test(l)),
    ).toHaveLength(120)
  })
})
