import { describe, expect, it } from 'vitest'
import { makeNotRun, makeRun, makeTest } from '../../compare/__fixtures__/runs.ts'
import { compareRuns } from '../../compare/compare-runs.ts'
import { renderComparison } from './comparison.ts'

const files = {
  beforeFile: '/work/.evals/0.1.0-main-e2e-20260101-090000.json',
  afterFile: '/work/.evals/0.1.0-main-e2e-20260102-100000.json',
}
const earlier = { timestamp: '2026-01-01T09:00:00.000Z', git_sha: '9f8e7d6c5b' }

describe('renderComparison', () => {
  it('lists regressions first, then fixes and the rest, with totals and takeaways', () => {
    const before = makeRun(
      [
        makeTest('checkout flow', {
          turns_used: 5,
          duration_ms: 12_000,
          cost_usd: 0.1,
          tool_summary: { Bash: 4 },
        }),
        makeTest('login flow', { passed: false, turns_used: 9, duration_ms: 30_000, cost_usd: 0.3 }),
        makeTest('review', {
          detection_rate: 3,
          turns_used: 8,
          duration_ms: 20_000,
          tool_summary: { Read: 3 },
        }),
        makeTest('search', { turns_used: 4, duration_ms: 900 }),
        makeTest('old test'),
        makeTest('needs key'),
      ],
      earlier,
    )
    const after = makeRun(
      [
        makeTest('search', { turns_used: 4, duration_ms: 800 }),
        makeTest('review', {
          detection_rate: 4,
          turns_used: 8,
          duration_ms: 20_000,
          tool_summary: { Read: 3 },
        }),
        makeTest('checkout flow', {
          passed: false,
          turns_used: 7,
          duration_ms: 15_000,
          cost_usd: 0.12,
          exit_reason: 'error_max_turns',
          tool_summary: { Bash: 6, Edit: 1 },
        }),
        makeTest('login flow', { turns_used: 6, duration_ms: 20_000, cost_usd: 0.2 }),
        makeTest('new test'),
      ],
      { not_run: [makeNotRun('needs key', { reason: 'no API key' })] },
    )
    expect(renderComparison(compareRuns(before, after, files))).toMatchInlineSnapshot(`
      "vs previous: main @ 2026-01-01 09:00 UTC (9f8e7d6) — 0.1.0-main-e2e-20260101-090000.json
      ────────────────────────────────────────────────────────────────────────
      Regressed (1):
        checkout flow  PASS → FAIL  ↓  $0.10→$0.12   5→7t(+2)  12s→15s(+3s)
      Fixed (1):
        login flow     FAIL → PASS  ↑  $0.30→$0.20   9→6t(-3)  30s→20s(-10s)
      Unchanged (2):
        review         PASS → PASS  =  3→4 det       8→8t      20s→20s
        search         PASS → PASS  =  $0.10→$0.10   4→4t      900ms→800ms(-100ms)
      Added (1):
        new test       —    → PASS  +  $0.10                   10s
      Removed (1):
        old test       PASS → —     -  $0.10                   10s
      Not run (1):
        needs key      PASS → SKIP  ·  (no API key)
      ────────────────────────────────────────────────────────────────────────
        Status: 1 regressed, 1 fixed, 2 unchanged, 1 added, 1 removed, 1 not run
        Totals over the 4 cases in both runs:
          Cost: -$0.08
          Duration: -7s
          Tool calls: 7 → 10 (+3)
            Bash: 4 → 6 (+2)
            Edit: 0 → 1 (+1)

        Takeaway:
          REGRESSION: "checkout flow" was passing, now fails — error_max_turns.
          Fixed: "login flow" now passes.
          Not compared: "needs key" ran before but not this time.
          Removed: "old test" no longer in the run.
          New: 1 test without a previous result.
          "review": detects 1 more bug.
          Overall: 1 regressed, 1 fixed out of 4 cases compared."
    `)
  })

  it('reads as unchanged when nothing changed, naming each test', () => {
    const tests = [makeTest('b', { turns_used: 3 }), makeTest('a', { turns_used: 5 }), makeTest('c')]
    const c = compareRuns(makeRun(tests, earlier), makeRun(tests), files)
    expect(renderComparison(c)).toMatchInlineSnapshot(`
      "vs previous: main @ 2026-01-01 09:00 UTC (9f8e7d6) — 0.1.0-main-e2e-20260101-090000.json
      ────────────────────────────────────────────────────────────────────────
      Unchanged (3):
        a  PASS → PASS  =  $0.10→$0.10  5→5t  10s→10s
        b  PASS → PASS  =  $0.10→$0.10  3→3t  10s→10s
        c  PASS → PASS  =  $0.10→$0.10        10s→10s
      ────────────────────────────────────────────────────────────────────────
        Status: 3 unchanged
        Totals over the 3 cases in both runs:
          Cost: $0.00
          Duration: 0s

        Takeaway:
          Stable run: no regressions and no significant efficiency changes."
    `)
  })

  it('lists still-failing and flaky cases with the gate figures, and a changed sandbox on its row', () => {
    const repeats = (passes: number) =>
      Array.from({ length: 5 }, (_, i) =>
        makeTest(`sometimes (repeat ${i + 1}/5)`, {
          case_name: 'sometimes',
          repeat: i + 1,
          passed: i < passes,
        }),
      )
    const before = makeRun(
      [
        makeTest('broken', { passed: false }),
        makeTest('moved', { passed: false, sandbox: { provider: 'docker', image: 'base:1' } }),
        ...repeats(5),
      ],
      earlier,
    )
    const after = makeRun([
      makeTest('broken', { passed: false, headline: 'unit tests exited with 1' }),
      makeTest('moved', { sandbox: { provider: 'local', image: 'base:1' } }),
      ...repeats(3),
    ])
    expect(renderComparison(compareRuns(before, after, files))).toMatchInlineSnapshot(`
      "vs previous: main @ 2026-01-01 09:00 UTC (9f8e7d6) — 0.1.0-main-e2e-20260101-090000.json
      ────────────────────────────────────────────────────────────────────────
      Still failing (1):
        broken     FAIL → FAIL          ✗  $0.10→$0.10    10s→10s
      Flaky (1):
        sometimes  5/5 → 3/5 (p=0.222)  ~  $0.10→$0.10    10s→10s
      Fixed (1):
        moved      FAIL → PASS          ↑  $0.10→$0.10    10s→10s  sandbox changed: docker → local
      ────────────────────────────────────────────────────────────────────────
        Status: 1 still failing, 1 flaky, 1 fixed, 1 in another sandbox
        Totals over the 3 cases in both runs:
          Cost: $0.00
          Duration: 0s

        Takeaway:
          Still failing: "broken" failed in the earlier run too — unit tests exited with 1.
          Flaky: "sometimes" 5/5 → 3/5 (p=0.222): mixed results, or a change not significant at alpha 0.05.
          Fixed: "moved" now passes (sandbox changed: docker → local).
          Overall: 1 still failing, 1 flaky, 1 fixed out of 3 cases compared."
    `)
  })

  it('colours regressions only when asked', () => {
    const c = compareRuns(makeRun([makeTest('a')]), makeRun([makeTest('a', { passed: false })]), files)
    expect(renderComparison(c)).not.toContain('\u001b[')
    expect(renderComparison(c, { color: true })).toContain('\u001b[31mRegressed (1):')
  })
})

describe('long comparisons', () => {
  it('cap each group at maxRows but always count it', () => {
    const many = Array.from({ length: 80 }, (_, i) => makeTest(`case ${i}`))
    const before = makeRun(many)
    const after = makeRun(many.map((t, i) => (i === 5 ? { ...t, passed: false } : t)))
    const text = renderComparison(compareRuns(before, after, { beforeFile: 'a.json', afterFile: 'b.json' }), {
      maxRows: 20,
    })
    expect(text).toMatch(/Regressed \(1\):\n\s+case 5\s+PASS → FAIL/)
    expect(text).toContain('Unchanged (79):')
    expect(text).toContain('… and 59 more unchanged (npx evalbox compare --all lists every test)')
  })
})
