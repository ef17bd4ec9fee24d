import type { CaseStats, RunFile, RunStats } from '../store/schema.ts'

// The run's `stats` as the summary, step summary and report write them. Pure.

/** Below this many tests without repeats, an interval says little a reader does not see. */
export const MIN_TESTS_FOR_STATS = 5

// pass@k / pass^k are shown for this k, or the largest k every repeated case has.
const SHOWN_K = 3

const percent = (x: number) => `${Math.round(x * 100)}%`

/** `80% (95% CI 49–94%)`. */
function rateText(r: CaseStats['pass_rate'], confidence: number): string {
  return `${percent(r.rate)} (${percent(confidence)} CI ${Math.round(r.low * 100)}–${percent(r.high)})`
}

/** `0.72 (95% CI 0.61–0.83)`. */
function scoreText(s: NonNullable<CaseStats['score']>, confidence: number): string {
  return `${s.mean.toFixed(2)} (${percent(confidence)} CI ${s.low.toFixed(2)}–${s.high.toFixed(2)})`
}

/** `pass@3 0.97, pass^3 0.51`; empty when there is no k. */
function kText(at: Record<string, number> | undefined, hat: Record<string, number> | undefined): string {
  const k = Math.min(SHOWN_K, Object.keys(at ?? {}).length)
  if (k === 0) return ''
  return `pass@${k} ${at![k]!.toFixed(2)}, pass^${k} ${hat![k]!.toFixed(2)}`
}

/** The run's stats when they are worth a line: it has repeated cases, or enough tests. */
export function shownStats(run: RunFile): RunStats | undefined {
  const stats = run.stats
  if (!stats) return undefined
  return (stats.cases?.length ?? 0) > 0 || stats.pass_rate.total >= MIN_TESTS_FOR_STATS ? stats : undefined
}

/**
 * One line for the run: `pass rate 80% (95% CI 49–94%), mean score 0.72 (95% CI 0.61–0.83),
 * pass@3 0.97, pass^3 0.51 (mean of 2 repeated cases)`.
 */
export function runStatsText(stats: RunStats): string {
  const parts = [`pass rate ${rateText(stats.pass_rate, stats.confidence)}`]
  if (stats.score && stats.score.n > 1) parts.push(`mean score ${scoreText(stats.score, stats.confidence)}`)
  const k = kText(stats.pass_at_k, stats.pass_hat_k)
  const cases = stats.cases?.length ?? 0
  if (k) parts.push(`${k} (mean of ${cases} repeated case${cases === 1 ? '' : 's'})`)
  return parts.join(', ')
}

/** One repeated case over its repeats: `3/5 passed, 60% (95% CI 23–88%), pass@3 1.00, pass^3 0.10, score 0.60 (…)`. */
export function caseStatsText(c: CaseStats, confidence: number): string {
  const parts = [`${c.pass_rate.passed}/${c.pass_rate.total} passed, ${rateText(c.pass_rate, confidence)}`]
  const k = kText(c.pass_at_k, c.pass_hat_k)
  if (k) parts.push(k)
  if (c.score && c.score.n > 1) parts.push(`score ${scoreText(c.score, confidence)}`)
  return parts.join(', ')
}

/** How the bootstrap was drawn, for a footnote. */
export function bootstrapNote(stats: RunStats): string {
  return `Wilson score intervals for pass rates; percentile bootstrap for mean scores (${stats.bootstrap.resamples} resamples, seed ${stats.bootstrap.seed}).`
}
