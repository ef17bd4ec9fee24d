import { describe, expect, it } from 'vitest'
import { makeRun, makeTest } from '../../compare/__fixtures__/runs.ts'
import { runView } from './run-view.ts'
import { niceScale, trendCharts } from './trend-chart.ts'
import type { ReportRun } from './types.ts'

function view(file: string, tier: string, timestamp: string, passed: boolean[], cost: number): ReportRun {
  const tests = passed.map((p, i) => makeTest(`t${i}`, { passed: p, cost_usd: cost / passed.length }))
  return runView(file, makeRun(tests, { tier, timestamp, total_cost_usd: cost })).view
}

const runs = [
  view('c.json', 'e2e', '2026-01-03T00:00:00Z', [true, true, false], 0.7),
  view('b.json', 'judge', '2026-01-02T00:00:00Z', [true], 0.03),
  view('a.json', 'e2e', '2026-01-01T00:00:00Z', [false, false], 0.2),
]

describe('trendCharts', () => {
  it('draws one series per tier and one point per run, oldest left', () => {
    const [pass, cost] = trendCharts(runs)
    for (const chart of [pass, cost]) {
      expect(chart.series.map((s) => [s.tier, s.points.map((p) => p.run)])).toEqual([
        ['e2e', ['a.json', 'c.json']],
        ['judge', ['b.json']],
      ])
      const xs = chart.series
        .flatMap((s) => s.points)
        .sort((p, q) => p.x - q.x)
        .map((p) => p.run)
      expect(xs).toEqual(['a.json', 'b.json', 'c.json'])
    }
    expect(pass.series[0]?.color).not.toBe(pass.series[1]?.color)
  })

  it('places pass rates between the 0% and 100% ticks', () => {
    const [pass] = trendCharts(runs)
    const tick = (label: string) => pass.yTicks.find((t) => t.label === label)?.at
    const [a, c] = pass.series[0]!.points
    expect(a?.y).toBe(tick('0%'))
    expect(pass.series[1]?.points[0]?.y).toBe(tick('100%'))
    expect(c!.y).toBeCloseTo(tick('0%')! + ((tick('100%')! - tick('0%')!) * 2) / 3, 0)
  })

  it('scales cost to a round top and labels points with file, time, pass rate and cost', () => {
    const [, cost] = trendCharts(runs)
    expect(cost.yTicks.map((t) => t.label)).toEqual(['$0.00', '$0.20', '$0.40', '$0.60', '$0.80'])
    expect(cost.series[0]?.points[1]?.title).toBe(
      'c.json\ne2e · 2026-01-03 00:00 UTC\npass rate 2/3 passed (67%)\ncost $0.70',
    )
  })

  it('leaves filtered and partial runs out of both charts, and says so in the titles', () => {
    const filter = { test_name_pattern: 'Japan' }
    const few = (file: string, fields: Parameters<typeof makeRun>[1]) =>
      runView(file, makeRun([makeTest('Japan')], { timestamp: '2026-01-04T00:00:00Z', ...fields })).view
    const [pass, cost] = trendCharts([few('f.json', { filter }), few('p.json', { _partial: true }), ...runs])
    for (const chart of [pass, cost]) {
      expect(chart.series.flatMap((s) => s.points.map((p) => p.run))).toEqual(['a.json', 'c.json', 'b.json'])
    }
    expect(pass.title).toBe('Pass rate (full runs only: 1 filtered, 1 partial left out)')
    expect(trendCharts(runs)[0].title).toBe('Pass rate')
  })

  it('leaves a run where nothing finished out of the pass-rate chart only', () => {
    const empty = view('d.json', 'e2e', '2026-01-04T00:00:00Z', [], 0)
    const [pass, cost] = trendCharts([empty, ...runs])
    expect(pass.series[0]?.points.map((p) => p.run)).toEqual(['a.json', 'c.json'])
    expect(cost.series[0]?.points.map((p) => p.run)).toEqual(['a.json', 'c.json', 'd.json'])
  })
})

describe('niceScale', () => {
  it('rounds the top up to a 1-2-5 step', () => {
    expect(niceScale(0.7)).toEqual({ step: 0.2, top: 0.8 })
    expect(niceScale(12)).toEqual({ step: 5, top: 15 })
    expect(niceScale(0)).toEqual({ step: 1, top: 1 })
  })
})
