import { describe, expect, it } from 'vitest'
import { makeRun, makeTest } from '../compare/__fixtures__/runs.ts'
import { runStats } from '../store/run-stats.ts'
import type { TestEntry } from '../store/schema.ts'
import { runView } from './html/run-view.ts'
import { stepSummary } from './step-summary.ts'
import { renderSummary } from './terminal/summary.ts'

/** A run file with its stats, as buildRunFile writes it. */
function runOf(tests: TestEntry[]) {
  return makeRun(tests, { stats: runStats(tests) })
}

// `flaky` passes 2 of 4 repeats (scores 1, 0, 1, 0); Python: Wilson 95% of 2/4 → 0.1500–0.8500,
// of 5/7 → 0.3589–0.9178; pass@3(4,2) = 1 - comb(2,3)/comb(4,3) = 1, pass^3 = 0.
const repeated = [
  ...[true, false, true, false].map((passed, i) =>
    makeTest(`flaky (repeat ${i + 1}/4)`, {
      passed,
      case_name: 'flaky',
      repeat: i + 1,
      repeats: 4,
      score: passed ? 1 : 0,
    }),
  ),
  makeTest('a'),
  makeTest('b'),
  makeTest('c'),
]

describe('stats in the outputs', () => {
  it('the terminal summary adds a stats line and a line per repeated case', () => {
    const text = renderSummary(runOf(repeated))
    expect(text).toContain(
      '  Stats: pass rate 71% (95% CI 36–92%), mean score 0.50 (95% CI 0.00–1.00), pass@3 1.00, pass^3 0.00 (mean of 1 repeated case)\n' +
        '    flaky: 2/4 passed, 50% (95% CI 15–85%), pass@3 1.00, pass^3 0.00, score 0.50 (95% CI 0.00–1.00)',
    )
  })

  it('is quiet for a small run without repeats, and for a file without stats', () => {
    const small = [makeTest('a'), makeTest('b', { passed: false }), makeTest('c')]
    expect(renderSummary(runOf(small))).not.toContain('Stats:')
    expect(stepSummary([runOf(small)], [undefined])).not.toContain('statistics')
    expect(runView('f.json', runOf(small)).view.statsText).toBe('')
    expect(renderSummary(makeRun(repeated))).not.toContain('Stats:')
  })

  it('shows the pass-rate interval of a run of five or more tests without repeats', () => {
    const five = ['a', 'b', 'c', 'd', 'e'].map((name, i) => makeTest(name, { passed: i < 4 }))
    // Python: Wilson 95% of 4/5 → 0.3755–0.9638.
    expect(renderSummary(runOf(five)).split('\n').at(-1)).toBe('  Stats: pass rate 80% (95% CI 38–96%)')
  })

  it('the step summary has a statistics section with how the intervals were computed', () => {
    const md = stepSummary([runOf(repeated)], [undefined])
    expect(md).toContain('### e2e: statistics\n\npass rate 71% (95% CI 36–92%), mean score 0.50')
    expect(md).toContain(
      '| Repeated case | Over its repeats |\n| --- | --- |\n| flaky | 2/4 passed, 50% (95% CI 15–85%)',
    )
    expect(md).toContain('(2000 resamples, seed 1)')
  })

  it('the report gives the run its stats line and every repeat its case over all repeats', () => {
    const { view } = runView('f.json', runOf(repeated))
    expect(view.statsText).toMatch(/^pass rate 71% \(95% CI 36–92%\)/)
    const rows = view.cases.filter((c) => c.name.startsWith('flaky'))
    expect(rows).toHaveLength(4)
    for (const row of rows) expect(row.statsText).toMatch(/^2\/4 passed, 50% \(95% CI 15–85%\), pass@3 1\.00/)
    expect(view.cases.find((c) => c.name === 'a')?.statsText).toBeUndefined()
  })
})
