import { describe, expect, it } from 'vitest'
import { EvalboxError } from '../core/errors.ts'
import { fisherExact } from './fisher.ts'

// Reference values from scipy.stats.fisher_exact (1.17) on the same tables.
const CASES: Array<{
  table: [[number, number], [number, number]]
  greater: number
  less: number
  two: number
}> = [
  // Fisher's tea-tasting table.
  {
    table: [
      [3, 1],
      [1, 3],
    ],
    greater: 0.242857142857,
    less: 0.985714285714,
    two: 0.485714285714,
  },
  {
    table: [
      [5, 0],
      [0, 5],
    ],
    greater: 0.003968253968,
    less: 1,
    two: 0.007936507937,
  },
  {
    table: [
      [3, 2],
      [2, 3],
    ],
    greater: 0.5,
    less: 0.896825396825,
    two: 1,
  },
  {
    table: [
      [5, 0],
      [4, 1],
    ],
    greater: 0.5,
    less: 1,
    two: 1,
  },
  {
    table: [
      [1, 9],
      [11, 3],
    ],
    greater: 0.999966348095,
    less: 0.00137972809261,
    two: 0.00275945618522,
  },
  {
    table: [
      [20, 0],
      [12, 8],
    ],
    greater: 0.001638001638,
    less: 1,
    two: 0.003276003276,
  },
  {
    table: [
      [10, 10],
      [2, 18],
    ],
    greater: 0.006907073926,
    less: 0.999376183748,
    two: 0.013814147852,
  },
  {
    table: [
      [2, 0],
      [0, 2],
    ],
    greater: 1 / 6,
    less: 1,
    two: 1 / 3,
  },
  {
    table: [
      [1, 0],
      [0, 3],
    ],
    greater: 0.25,
    less: 1,
    two: 0.25,
  },
]

describe('fisherExact', () => {
  it.each(CASES)('matches reference p-values for $table', ({ table, greater, less, two }) => {
    expect(fisherExact(table, 'greater')).toBeCloseTo(greater, 9)
    expect(fisherExact(table, 'less')).toBeCloseTo(less, 9)
    expect(fisherExact(table, 'two-sided')).toBeCloseTo(two, 9)
  })

  it('gives the tea-tasting one-sided p of 0.2429', () => {
    expect(
      fisherExact(
        [
          [3, 1],
          [1, 3],
        ],
        'greater',
      ).toFixed(4),
    ).toBe('0.2429')
  })

  it('stays accurate for large tables (log-factorials, no overflow)', () => {
    const table: [[number, number], [number, number]] = [
      [500, 500],
      [450, 550],
    ]
    expect(fisherExact(table, 'greater')).toBeCloseTo(0.01410178445211696, 9)
    expect(fisherExact(table, 'two-sided')).toBeCloseTo(0.02820356890423392, 9)
  })

  it('is 1 for degenerate tables and never exceeds 1', () => {
    expect(
      fisherExact(
        [
          [0, 0],
          [0, 0],
        ],
        'greater',
      ),
    ).toBe(1)
    expect(
      fisherExact(
        [
          [0, 5],
          [0, 5],
        ],
        'two-sided',
      ),
    ).toBe(1)
    expect(
      fisherExact(
        [
          [3, 2],
          [2, 3],
        ],
        'two-sided',
      ),
    ).toBeLessThanOrEqual(1)
  })

  it('defaults to two-sided', () => {
    expect(
      fisherExact([
        [3, 1],
        [1, 3],
      ]),
    ).toBeCloseTo(0.485714285714, 9)
  })

  it('rejects cells that are not counts, naming the value', () => {
    expect(() =>
      fisherExact([
        [1.5, 0],
        [0, 1],
      ]),
    ).toThrow(EvalboxError)
    expect(() =>
      fisherExact([
        [1, -1],
        [0, 1],
      ]),
    ).toThrow(/`-1` \(number\)/)
  })
})
