import { BOOTSTRAP_DEFAULTS, bootstrapMean, passAtK, passHatK, wilsonInterval } from '../core/stats.ts'
import type { CaseStats, RunStats, TestEntry } from './schema.ts'

/** The confidence level of every interval in a run file's `stats`. */
export const STATS_CONFIDENCE = 0.95

// pass@k / pass^k are kept for k = 1..MAX_K: enough for a curve, few enough to stay small.
const MAX_K = 10

// Four decimals: the intervals are far wider than that, and the file stays readable.
const round = (x: number) => Math.round(x * 1e4) / 1e4

function rate(passed: number, total: number): CaseStats['pass_rate'] {
  const { low, high } = wilsonInterval(passed, total, STATS_CONFIDENCE)
  return { passed, total, rate: round(passed / total), low: round(low), high: round(high) }
}

function score(tests: readonly TestEntry[]): CaseStats['score'] {
  const scores = tests.flatMap((t) =>
    typeof t.score === 'number' && Number.isFinite(t.score) ? [t.score] : [],
  )
  if (scores.length === 0) return undefined
  const { mean, low, high } = bootstrapMean(scores, { ...BOOTSTRAP_DEFAULTS, confidence: STATS_CONFIDENCE })
  return { n: scores.length, mean: round(mean), low: round(low), high: round(high) }
}

function byK(
  n: number,
  c: number,
  estimate: (n: number, c: number, k: number) => number,
): Record<string, number> {
  const out: Record<string, number> = {}
  for (let k = 1; k <= Math.min(n, MAX_K); k++) out[k] = round(estimate(n, c, k))
  return out
}

/** Repeats of one case: same file, suite and case name (the name without the repeat suffix). */
function repeatedCases(tests: readonly TestEntry[]): TestEntry[][] {
  const groups = new Map<string, TestEntry[]>()
  for (const test of tests) {
    if ((test.repeats ?? 1) <= 1) continue
    const key = JSON.stringify([test.file ?? '', test.suite, test.case_name ?? test.name])
    const group = groups.get(key)
    if (group) group.push(test)
    else groups.set(key, [test])
  }
  return [...groups.values()]
}

function caseStats(repeats: readonly TestEntry[]): CaseStats {
  const first = repeats[0]!
  const n = repeats.length
  const c = repeats.filter((t) => t.passed).length
  const scored = score(repeats)
  return {
    case_name: first.case_name ?? first.name,
    suite: first.suite,
    ...(first.file !== undefined && { file: first.file }),
    pass_rate: rate(c, n),
    pass_at_k: byK(n, c, passAtK),
    pass_hat_k: byK(n, c, passHatK),
    ...(scored && { score: scored }),
  }
}

/** The mean over cases of their per-k values, for every k all of them have. */
function meanByK(cases: readonly CaseStats[], field: 'pass_at_k' | 'pass_hat_k'): Record<string, number> {
  const ks = Math.min(...cases.map((c) => Object.keys(c[field]).length))
  const out: Record<string, number> = {}
  for (let k = 1; k <= ks; k++) out[k] = round(cases.reduce((sum, c) => sum + c[field][k]!, 0) / cases.length)
  return out
}

/**
 * The `stats` of a run file's tests: the pass rate with its Wilson interval (every repeat
 * counts as a test), the mean score with a seeded bootstrap interval, and for each case that
 * ran more than once its pass rate, pass@k, pass^k and mean score over its repeats. Pure and
 * deterministic; undefined when no test ran.
 */
export function runStats(tests: readonly TestEntry[]): RunStats | undefined {
  if (tests.length === 0) return undefined
  const passed = tests.filter((t) => t.passed).length
  const scored = score(tests)
  const cases = repeatedCases(tests).map(caseStats)
  return {
    confidence: STATS_CONFIDENCE,
    bootstrap: { resamples: BOOTSTRAP_DEFAULTS.resamples, seed: BOOTSTRAP_DEFAULTS.seed },
    pass_rate: rate(passed, tests.length),
    ...(scored && { score: scored }),
    ...(cases.length > 0 && {
      pass_at_k: meanByK(cases, 'pass_at_k'),
      pass_hat_k: meanByK(cases, 'pass_hat_k'),
      cases,
    }),
  }
}
