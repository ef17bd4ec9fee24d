import { describeValue, EvalboxError } from './errors.ts'

// The statistics shown beside the Fisher gate (src/compare/fisher.ts): pass@k and pass^k of
// repeated cases, Wilson intervals for pass rates, a seeded bootstrap for mean scores. Pure;
// in core/ because the store derives a run file's `stats` when it builds the file.

function fail(what: string, value: unknown, fix: string): never {
  throw new EvalboxError('INVALID_OPTIONS', `Expected ${what}, got ${describeValue(value)}. ${fix}`)
}

function checkCounts(n: number, c: number, k: number): void {
  if (!Number.isInteger(n) || n < 1)
    fail('the number of samples `n` to be a positive integer', n, 'Pass how many times the case ran.')
  if (!Number.isInteger(c) || c < 0 || c > n)
    fail(`the passes \`c\` to be an integer from 0 to n (${n})`, c, 'Pass how many of the n runs passed.')
  if (!Number.isInteger(k) || k < 1 || k > n)
    fail(`\`k\` to be an integer from 1 to n (${n})`, k, 'Pick k no larger than the number of runs.')
}

/**
 * The unbiased pass@k estimator (Chen et al. 2021, the Codex paper): the chance that at least
 * one of k attempts drawn without replacement from n runs with c passes passed,
 * `1 - C(n-c, k) / C(n, k)`, computed as a product so large n never overflows.
 *
 * @example passAtK(5, 2, 3) // 0.9: 1 - C(3,3)/C(5,3) = 1 - 1/10
 */
export function passAtK(n: number, c: number, k: number): number {
  checkCounts(n, c, k)
  if (n - c < k) return 1
  let allFail = 1
  for (let i = n - c + 1; i <= n; i++) allFail *= 1 - k / i
  return 1 - allFail
}

/**
 * pass^k (τ-bench): the chance that all k attempts drawn without replacement from n runs
 * with c passes passed, `C(c, k) / C(n, k)`, computed as a product.
 *
 * @example passHatK(5, 4, 3) // 0.4: C(4,3)/C(5,3) = 4/10
 */
export function passHatK(n: number, c: number, k: number): number {
  checkCounts(n, c, k)
  let all = 1
  for (let i = 0; i < k; i++) all *= (c - i) / (n - i)
  return Math.max(0, all)
}

/** A confidence interval: `low` ≤ estimate ≤ `high`. */
export interface Interval {
  low: number
  high: number
}

function checkConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) {
    fail('`confidence` to be between 0 and 1 (exclusive)', confidence, 'Use e.g. 0.95 for a 95% interval.')
  }
}

// Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9).
const A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
]
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572]
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
]
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416]

/** The standard normal quantile: `normalQuantile(0.975)` ≈ 1.959964. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) fail('a probability between 0 and 1 (exclusive)', p, 'Pass e.g. 0.975.')
  const tail = (q: number) =>
    (((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) /
    ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1)
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)))
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)))
  const q = p - 0.5
  const r = q * q
  return (
    ((((((A[0]! * r + A[1]!) * r + A[2]!) * r + A[3]!) * r + A[4]!) * r + A[5]!) * q) /
    (((((B[0]! * r + B[1]!) * r + B[2]!) * r + B[3]!) * r + B[4]!) * r + 1)
  )
}

/**
 * The Wilson score interval of a pass rate: unlike `p ± z·√(p(1-p)/n)` it stays inside
 * [0, 1] and is not zero-width at 0/n or n/n, so 5/5 reads "57–100%", not "100%".
 *
 * @example wilsonInterval(8, 10) // { low: 0.4902, high: 0.9433 }
 */
export function wilsonInterval(passed: number, total: number, confidence = 0.95): Interval {
  if (!Number.isInteger(total) || total < 1)
    fail('the total `total` to be a positive integer', total, 'Pass how many tests ran.')
  if (!Number.isInteger(passed) || passed < 0 || passed > total) {
    fail(`the passes to be an integer from 0 to ${total}`, passed, 'Pass how many tests passed.')
  }
  checkConfidence(confidence)
  const z = normalQuantile(1 - (1 - confidence) / 2)
  const p = passed / total
  const z2n = (z * z) / total
  const center = (p + z2n / 2) / (1 + z2n)
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / total + z2n / (4 * total))
  // Clamp the float noise at the ends (0/n must read exactly 0, n/n exactly 1).
  return {
    low: passed === 0 ? 0 : Math.max(0, center - half),
    high: passed === total ? 1 : Math.min(1, center + half),
  }
}

/** mulberry32: a small, fast, seeded 32-bit PRNG; the same seed gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Options for {@link bootstrapMean}. */
export interface BootstrapOptions {
  /** Resamples drawn. @default 2000 */
  resamples?: number
  /** Seed of the PRNG, so the same values always give the same interval. @default 1 */
  seed?: number
  /** @default 0.95 */
  confidence?: number
}

/** The defaults of {@link bootstrapMean}, written beside every bootstrap interval. */
export const BOOTSTRAP_DEFAULTS = { resamples: 2000, seed: 1, confidence: 0.95 } as const

/** The q-quantile of sorted values, interpolated linearly (numpy's default, R's type 7). */
function quantile(sorted: Float64Array, q: number): number {
  const at = (sorted.length - 1) * q
  const below = Math.floor(at)
  const above = Math.min(sorted.length - 1, below + 1)
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (at - below)
}

/**
 * A percentile bootstrap interval for the mean of `values`: draw `resamples` samples of the
 * same size with replacement from the sorted values (index `floor(random() · n)` from
 * {@link seededRandom}), take
 * each sample's mean, and return the `(1-confidence)/2` and `(1+confidence)/2` quantiles of
 * those means. Deterministic for a seed.
 */
export function bootstrapMean(
  values: readonly number[],
  options: BootstrapOptions = {},
): Interval & { mean: number } {
  const { resamples, seed, confidence } = { ...BOOTSTRAP_DEFAULTS, ...options }
  if (values.length === 0) fail('at least one value', values, 'Pass the scores to average.')
  for (const value of values)
    if (!Number.isFinite(value)) fail('every value to be a finite number', value, 'Leave unscored cases out.')
  if (!Number.isInteger(resamples) || resamples < 1)
    fail('`resamples` to be a positive integer', resamples, 'Use e.g. 2000.')
  checkConfidence(confidence)
  // Sorted first, so the same values in any order (repeats finish in any order) give the same interval.
  const sorted = Float64Array.from(values).sort()
  const n = sorted.length
  let sum = 0
  for (const value of sorted) sum += value
  // Every resample of equal values has their mean: no need to draw them.
  if (sorted[0] === sorted[n - 1]) return { mean: sorted[0]!, low: sorted[0]!, high: sorted[0]! }
  const random = seededRandom(seed)
  const means = new Float64Array(resamples)
  for (let r = 0; r < resamples; r++) {
    let s = 0
    for (let i = 0; i < n; i++) s += sorted[Math.floor(random() * n)]!
    means[r] = s / n
  }
  means.sort()
  return {
    mean: sum / n,
    low: quantile(means, (1 - confidence) / 2),
    high: quantile(means, (1 + confidence) / 2),
  }
}
