import { describe, expect, it } from 'vitest'
import { buildRunFile, type RunHeader } from './run-file.ts'
import { runStats } from './run-stats.ts'
import { runFileSchema, type TestEntry } from './schema.ts'

function entry(name: string, passed: boolean, extra: Partial<TestEntry> = {}): TestEntry {
  return {
    name,
    suite: 's',
    tier: 'default',
    passed,
    duration_ms: 1,
    cost_usd: 0,
    file: 'a.eval.ts',
    ...extra,
  }
}

/** Five repeats of `flaky` (passes on repeats 1, 2, 4) scored 1/0, and two single cases. */
function tests(): TestEntry[] {
  const flaky = [true, true, false, true, false].map((passed, i) =>
    entry(`flaky (repeat ${i + 1}/5)`, passed, {
      case_name: 'flaky',
      repeat: i + 1,
      repeats: 5,
      score: passed ? 1 : 0,
    }),
  )
  return [...flaky, entry('one', true, { score: 0.5 }), entry('two', false, { score: null })]
}

const header: RunHeader = {
  run_id: 'r1',
  timestamp: '2026-01-01T00:00:00.000Z',
  version: '1.0.0',
  branch: 'main',
  git_sha: 'abc',
  hostname: 'h',
}

describe('runStats', () => {
  it('derives the pass rate, the score interval and per-case pass@k / pass^k', () => {
    const stats = runStats(tests())!
    // Python: Wilson 95% of 4/7 → 0.2505–0.8418; of 3/5 → 0.2307–0.8824.
    // pass@k(5,3,k) = 1 - comb(2,k)/comb(5,k): 0.6, 0.9, 1, 1, 1; pass^k = comb(3,k)/comb(5,k): 0.6, 0.3, 0.1, 0, 0.
    expect(stats).toEqual({
      confidence: 0.95,
      bootstrap: { resamples: 2000, seed: 1 },
      pass_rate: { passed: 4, total: 7, rate: 0.5714, low: 0.2505, high: 0.8418 },
      // Bootstrap (Python port, see src/core/stats.test.ts): [0,0,0.5,1,1,1] → 0.1667–0.9167.
      score: { n: 6, mean: 0.5833, low: 0.1667, high: 0.9167 },
      pass_at_k: { 1: 0.6, 2: 0.9, 3: 1, 4: 1, 5: 1 },
      pass_hat_k: { 1: 0.6, 2: 0.3, 3: 0.1, 4: 0, 5: 0 },
      cases: [
        {
          case_name: 'flaky',
          suite: 's',
          file: 'a.eval.ts',
          pass_rate: { passed: 3, total: 5, rate: 0.6, low: 0.2307, high: 0.8824 },
          pass_at_k: { 1: 0.6, 2: 0.9, 3: 1, 4: 1, 5: 1 },
          pass_hat_k: { 1: 0.6, 2: 0.3, 3: 0.1, 4: 0, 5: 0 },
          score: { n: 5, mean: 0.6, low: 0.2, high: 1 },
        },
      ],
    })
    expect(runStats(tests())).toEqual(stats)
  })

  it('averages pass@k over repeated cases for the k they all have, and keeps k ≤ 10', () => {
    const many = Array.from({ length: 12 }, (_, i) =>
      entry(`a ${i}`, i % 2 === 0, { case_name: 'a', repeats: 12 }),
    )
    const few = [true, false].map((passed) => entry('b', passed, { case_name: 'b', repeats: 2 }))
    const stats = runStats([...many, ...few])!
    expect(Object.keys(stats.cases![0]!.pass_at_k)).toHaveLength(10)
    // pass@2: (1 - comb(6,2)/comb(12,2) + 1 - 0) / 2 = (1 - 15/66 + 1) / 2
    expect(stats.pass_at_k).toEqual({ 1: 0.5, 2: Math.round(((1 - 15 / 66 + 1) / 2) * 1e4) / 1e4 })
    expect(stats.score).toBeUndefined()
  })

  it('is absent for a run with no tests', () => {
    expect(runStats([])).toBeUndefined()
  })
})

describe('buildRunFile stats', () => {
  it('writes stats in final and interrupted files, not while running, and never keeps a stale one', () => {
    const final = buildRunFile(header, 'default', tests(), [], { partial: false, wallClockMs: 5 })
    expect(final.stats?.pass_rate.total).toBe(7)
    expect(runFileSchema().parse(JSON.parse(JSON.stringify(final)))).toEqual(final)
    const interrupted = buildRunFile(header, 'default', tests(), [], {
      partial: true,
      reason: 'interrupted',
      wallClockMs: 5,
    })
    expect(interrupted.stats).toEqual(final.stats)
    const stale = { ...header, stats: final.stats } as RunHeader
    expect(
      buildRunFile(stale, 'default', tests(), [], { partial: true, reason: 'running', wallClockMs: 5 }).stats,
    ).toBeUndefined()
    expect(
      buildRunFile(stale, 'default', [entry('x', true)], [], { partial: false, wallClockMs: 5 }).stats
        ?.pass_rate.total,
    ).toBe(1)
  })
})
