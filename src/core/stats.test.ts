import { describe, expect, it } from 'vitest'
import { EvalboxError } from './errors.ts'
import { bootstrapMean, normalQuantile, passAtK, passHatK, seededRandom, wilsonInterval } from './stats.ts'

// Reference values computed independently with Python 3 (math.comb, statistics.NormalDist,
// numpy 2.4 / scipy 1.17): pass@k = 1 - comb(n-c,k)/comb(n,k), pass^k = comb(c,k)/comb(n,k).
const PASS_K: Array<[n: number, c: number, k: number, at: number, hat: number]> = [
  [5, 2, 3, 0.9, 0],
  [5, 4, 3, 1, 0.4],
  [10, 3, 1, 0.3, 0.3],
  [10, 3, 5, 0.9166666666666666, 0],
  [200, 7, 50, 0.8712245647066278, 0],
  [5, 0, 2, 0, 0],
  [5, 5, 5, 1, 1],
  [3, 2, 2, 1, 0.3333333333333333],
  [5, 3, 3, 1, 0.1],
  [1000, 1, 100, 0.1, 0],
]

describe('passAtK / passHatK', () => {
  it.each(PASS_K)('n=%i c=%i k=%i', (n, c, k, at, hat) => {
    expect(passAtK(n, c, k)).toBeCloseTo(at, 12)
    expect(passHatK(n, c, k)).toBeCloseTo(hat, 12)
  })

  it('pass@1 and pass^1 are the pass rate', () => {
    expect(passAtK(7, 3, 1)).toBeCloseTo(3 / 7, 12)
    expect(passHatK(7, 3, 1)).toBeCloseTo(3 / 7, 12)
  })

  it('names the bad count and the fix', () => {
    expect(() => passAtK(5, 6, 1)).toThrow(EvalboxError)
    expect(() => passAtK(5, 6, 1)).toThrow(/passes `c` to be an integer from 0 to n \(5\), got `6`/)
    expect(() => passHatK(3, 1, 4)).toThrow(/`k` to be an integer from 1 to n \(3\), got `4`/)
    expect(() => passAtK(0, 0, 1)).toThrow(/`n` to be a positive integer/)
  })
})

describe('wilsonInterval', () => {
  // Python: the Wilson formula with z = NormalDist().inv_cdf(1 - (1 - conf) / 2).
  it.each([
    [8, 10, 0.95, 0.49016247153664183, 0.9433178485456247],
    [0, 5, 0.95, 0, 0.43448246478317465],
    [5, 5, 0.95, 0.5655175352168254, 1],
    [1, 1, 0.95, 0.20654931437723745, 1],
    [3, 5, 0.95, 0.23072428127601297, 0.8823792257673521],
    [50, 100, 0.9, 0.41884779611252954, 0.5811522038874705],
    [81, 263, 0.99, 0.24013690268760773, 0.38528250231822986],
  ])('%i/%i at %f', (passed, total, confidence, low, high) => {
    const ci = wilsonInterval(passed, total, confidence)
    expect(ci.low).toBeCloseTo(low, 8)
    expect(ci.high).toBeCloseTo(high, 8)
  })

  it('rejects a run with no tests and a confidence outside (0, 1)', () => {
    expect(() => wilsonInterval(0, 0)).toThrow(/`total` to be a positive integer, got `0`/)
    expect(() => wilsonInterval(1, 2, 95)).toThrow(/`confidence` to be between 0 and 1.*got `95`.*0\.95/)
  })
})

describe('normalQuantile', () => {
  it('matches statistics.NormalDist().inv_cdf', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.9599639845400536, 8)
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489, 8)
    expect(normalQuantile(0.01)).toBeCloseTo(-2.3263478740408408, 8)
  })
})

describe('bootstrapMean', () => {
  it('draws the mulberry32 sequence', () => {
    // A Python port of mulberry32, seed 1.
    const random = seededRandom(1)
    expect([random(), random(), random()]).toEqual([
      0.6270739405881613, 0.002735721180215478, 0.5274470399599522,
    ])
  })

  // The same algorithm in Python (values sorted, mulberry32 port, index floor(r·n), numpy.quantile).
  it('is the percentile bootstrap for the seed (2000 resamples, seed 1)', () => {
    const ci = bootstrapMean([0.2, 0.4, 0.6, 0.8, 1.0])
    expect(ci.mean).toBeCloseTo(0.6, 12)
    expect(ci.low).toBeCloseTo(0.36, 12)
    expect(ci.high).toBeCloseTo(0.84, 12)
    expect(bootstrapMean([0.2, 0.4, 0.6, 0.8, 1.0])).toEqual(ci)
    expect(bootstrapMean([1.0, 0.6, 0.2, 0.8, 0.4])).toEqual(ci)
  })

  it('takes resamples, seed and confidence', () => {
    const ci = bootstrapMean([1, 0, 1, 1, 0.5, 0.25, 0.75, 1, 0, 1], {
      resamples: 1000,
      seed: 42,
      confidence: 0.9,
    })
    expect(ci).toEqual({
      mean: expect.closeTo(0.65, 12),
      low: expect.closeTo(0.425, 12),
      high: expect.closeTo(0.85, 12),
    })
  })

  it('agrees with scipy.stats.bootstrap on a large sample', () => {
    // scipy.stats.bootstrap(percentile, 2000 resamples, another RNG): 0.4579–0.5413; the
    // normal approximation mean ± 1.96·se: 0.4598–0.5411.
    const values = Array.from({ length: 200 }, (_, i) => ((i * 37) % 101) / 100)
    const ci = bootstrapMean(values)
    expect(ci.mean).toBeCloseTo(0.50045, 10)
    expect(ci.low).toBeCloseTo(0.4601962500000001, 10)
    expect(ci.high).toBeCloseTo(0.5413537499999996, 10)
  })

  it('gives a zero-width interval for one value and is fast for thousands', () => {
    expect(bootstrapMean([0.7])).toEqual({ mean: 0.7, low: 0.7, high: 0.7 })
    const values = Array.from({ length: 5000 }, (_, i) => (i % 7) / 6)
    const start = performance.now()
    bootstrapMean(values)
    expect(performance.now() - start).toBeLessThan(1000)
  })

  it('names a value it cannot average', () => {
    expect(() => bootstrapMean([])).toThrow(/at least one value/)
    expect(() => bootstrapMean([0.5, Number.NaN])).toThrow(/finite number, got .*Leave unscored cases out/)
  })
})
