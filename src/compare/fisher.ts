import { describeValue, EvalboxError } from '../core/errors.ts'

/**
 * A 2×2 contingency table, rows then columns: `[[a, b], [c, d]]`. For pass counts of two
 * runs: `[[passedBefore, failedBefore], [passedAfter, failedAfter]]`.
 */
export type Table2x2 = readonly [readonly [number, number], readonly [number, number]]

/**
 * Which departure the test looks for. `greater`: the top-left cell is larger than chance
 * would make it (for pass counts: the first run passed more often, i.e. the second got
 * worse). `less`: smaller. `two-sided`: either.
 */
export type FisherAlternative = 'greater' | 'less' | 'two-sided'

// ln(n!) for every n seen so far; grows on demand so large tables stay exact in log space.
const logFactorials: number[] = [0]

function logFactorial(n: number): number {
  for (let i = logFactorials.length; i <= n; i++) logFactorials.push(logFactorials[i - 1]! + Math.log(i))
  return logFactorials[n]!
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k)
}

function checkCell(value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `Expected every cell of the 2×2 table to be a non-negative integer, got ${describeValue(value)}. Pass counts, e.g. [[5, 0], [0, 5]].`,
    )
  }
}

/**
 * Fisher's exact test on a 2×2 table: the probability, with the row and column totals fixed,
 * of a table at least as extreme as the one observed (hypergeometric distribution of the
 * top-left cell). Computed with log-factorials, so tables of thousands stay accurate.
 *
 * @example fisherExact([[3, 1], [1, 3]], 'greater') // ≈ 0.2429 (the tea-tasting table)
 * @example fisherExact([[5, 0], [0, 5]], 'greater') // ≈ 0.00397: 5/5 passes → 0/5
 */
export function fisherExact(table: Table2x2, alternative: FisherAlternative = 'two-sided'): number {
  const [[a, b], [c, d]] = table
  for (const cell of [a, b, c, d]) checkCell(cell)
  const row1 = a + b
  const col1 = a + c
  const n = a + b + c + d
  const low = Math.max(0, row1 + col1 - n)
  const high = Math.min(row1, col1)
  const denominator = logChoose(n, row1)
  const prob = (x: number) => Math.exp(logChoose(col1, x) + logChoose(n - col1, row1 - x) - denominator)

  let p = 0
  if (alternative === 'greater') {
    for (let x = a; x <= high; x++) p += prob(x)
  } else if (alternative === 'less') {
    for (let x = low; x <= a; x++) p += prob(x)
  } else {
    // Tables as likely as the observed one count as "as extreme"; the tolerance keeps
    // floating-point ties (symmetric tables) from being dropped.
    const observed = prob(a) * (1 + 1e-7)
    for (let x = low; x <= high; x++) {
      const q = prob(x)
      if (q <= observed) p += q
    }
  }
  return Math.min(1, p)
}
