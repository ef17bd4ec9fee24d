import { describe, expect, it } from 'vitest'
import { makeNotRun, makeRun, makeTest } from '../compare/__fixtures__/runs.ts'
import { compareRuns } from '../compare/compare-runs.ts'
import { stepSummary } from './github.ts'

const FILES = { beforeFile: 'before.json', afterFile: 'after.json' }

const before = makeRun(
  [
    makeTest('checkout', { turns_used: 5 }),
    makeTest('login', { passed: false }),
    makeTest('search', { duration_ms: 2_000 }),
  ],
  { timestamp: '2026-01-01T09:00:00.000Z', git_sha: '1111111aaa' },
)
const after = makeRun(
  [
    makeTest('search', { duration_ms: 3_000 }),
    makeTest('login', { cost_usd: 0.12 }),
    makeTest('checkout', { passed: false, turns_used: 7, cost_usd: 0.3 }),
  ],
  { wall_clock_ms: 12_000, not_run: [makeNotRun('slow | one')] },
)
const judge = makeRun([makeTest('plan', { tier: 'llm-judge' }), makeTest('tone', { passed: false })], {
  tier: 'llm-judge',
  _partial: true,
  total_cost_usd: 0.2,
})

describe('stepSummary', () => {
  const text = stepSummary([after, judge], [compareRuns(before, after, FILES), undefined])

  it('starts with a per-tier table of pass rate, cost and duration', () => {
    const rows = text.split('\n').filter((l) => l.startsWith('| e2e') || l.startsWith('| llm-judge'))
    expect(rows).toEqual([
      '| e2e | 2/3 | 66.6% | 1 | 1 | $0.52 | 23s | 12s |',
      '| llm-judge (partial) | 1/2 | 50% | 1 | 0 | $0.20 | 20s | — |',
    ])
    expect(text).toContain('> **Partial:** the llm-judge run did not finish')
  })

  it('lists regressions first, then fixes, then the rest, with deltas', () => {
    const rows = text.split('\n').filter((l) => /^\| (↓|↑|unchanged|\+|−|not run)/.test(l))
    expect(rows).toEqual([
      '| ↓ regressed | checkout | PASS | FAIL | $0.10 → $0.30 (+$0.20) | 5 → 7 (+2) | 10s |',
      '| ↑ fixed | login | FAIL | PASS | $0.10 → $0.12 (+$0.02) |  | 10s |',
      '| unchanged | search | PASS | PASS | $0.10 |  | 2s → 3s (+1s) |',
      '| not run | slow \\| one | — | SKIP |  |  |  |',
    ])
    expect(text).toContain(
      'Previous: main @ 2026-01-01 09:00 UTC (1111111). 1 regressed, 1 fixed, 1 unchanged, 1 not run',
    )
    expect(text).toMatch(/\*\*Takeaways\*\*\n\n- REGRESSION/)
  })

  it('lists still-failing and flaky cases with their counts, flags a changed sandbox, totals over shared cases', () => {
    const repeats = (passes: number) =>
      Array.from({ length: 5 }, (_, i) =>
        makeTest(`plan (repeat ${i + 1}/5)`, { case_name: 'plan', repeat: i + 1, passed: i < passes }),
      )
    const earlier = makeRun([
      makeTest('broken', { passed: false }),
      makeTest('moved', { passed: false, sandbox: { provider: 'docker', image: 'base:1' } }),
      ...repeats(5),
    ])
    const later = makeRun([
      makeTest('broken', { passed: false }),
      makeTest('moved', { sandbox: { provider: 'local', image: 'base:1' } }),
      ...repeats(3),
      makeTest('only now', { cost_usd: 9 }),
    ])
    const md = stepSummary([later], [compareRuns(earlier, later, FILES)])
    expect(md).toContain(
      '1 still failing, 1 flaky, 1 fixed, 1 added, 1 in another sandbox; over the 3 cases in both runs: cost $0.00',
    )
    const rows = md.split('\n').filter((row) => /^\| (✗|~|↑|\+)/.test(row))
    expect(rows[0]).toMatch(/^\| ✗ still failing \| broken \| FAIL \| FAIL \|/)
    expect(rows[1]).toMatch(/^\| ~ flaky \| plan \| 5\/5 \| 3\/5 \(p=0\.222\) \|/)
    expect(rows[2]).toMatch(/^\| ↑ fixed ⚠️ sandbox changed: docker → local \| moved \| FAIL \| PASS \|/)
    expect(md).toContain('- Still failing: "broken" failed in the earlier run too.')
  })

  it('says when a tier had nothing to compare with', () => {
    expect(text).toContain(
      '### llm-judge vs previous run\n\nNo earlier finalized llm-judge run to compare with.',
    )
  })

  it('is plain and deterministic', () => {
    expect(stepSummary([after, judge], [compareRuns(before, after, FILES), undefined])).toBe(text)
    expect(text).not.toContain('\u001b[')
  })

  it('handles no runs', () => {
    expect(stepSummary([], [])).toBe('## Eval results\n\nNo eval runs.\n')
  })

  it('adds each tier gate verdict, or why there was none, and a note instead of a comparison', () => {
    const gated = stepSummary(
      [after, judge],
      [compareRuns(before, after, FILES), { note: 'shard 1/2: merge the shard files to compare' }],
      [
        {
          ok: false,
          title: 'Eval gate failed (e2e): 1 case regressed',
          message: 'Regressed (1):\n  suite › checkout: 1/1 → 0/1',
        },
        { note: 'no earlier finalized llm-judge run to gate against; the gate passes.' },
      ],
    )
    expect(gated).toContain(
      '**❌ Eval gate failed (e2e): 1 case regressed**\n\n```\nRegressed (1):\n  suite › checkout: 1/1 → 0/1\n```',
    )
    expect(gated).toContain('### llm-judge vs previous run\n\nshard 1/2: merge the shard files to compare\n')
    expect(gated).toContain('**Gate:** no earlier finalized llm-judge run to gate against; the gate passes.')
    expect(gated.indexOf('❌')).toBeLessThan(gated.indexOf('### llm-judge'))
    expect(text).not.toContain('Gate')
  })
})
