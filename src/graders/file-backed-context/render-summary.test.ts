import { describe, expect, test } from 'vitest'
import { makeReport } from './__fixtures__/report.ts'
import { renderBenchSummary } from './render-summary.ts'

describe('renderBenchSummary', () => {
  test('gives fixtures, recovery with and without artifacts, and tokens saved', () => {
    expect(renderBenchSummary(makeReport())).toBe(
      [
        '2 fixtures (artifacts on)',
        'recovered 2/2 hidden details (artifacts off: 1/2 within the 8000-token budget)',
        'inline tokens 10500 → 200 (10300 saved, 98.1%)',
      ].join('\n'),
    )
  })

  test('lists what was not recovered', () => {
    const report = makeReport({
      artifacts: false,
      ablation: undefined,
      results: makeReport().ablation!.results,
    })
    expect(renderBenchSummary(report)).toBe(
      [
        '2 fixtures (artifacts off, inline budget 8000 tokens)',
        'recovered 1/2 hidden details',
        'inline tokens 10500 (nothing moved to artifacts)',
        'not recovered: big-log',
      ].join('\n'),
    )
  })
})
