import { describe, expect, it } from 'vitest'
import type { TestEntry } from '../store/schema.ts'
import { makeNotRun, makeRun, makeTest } from './__fixtures__/runs.ts'
import { commentary } from './commentary.ts'
import { compareRuns } from './compare-runs.ts'

const files = { beforeFile: 'b.json', afterFile: 'a.json' }
const notesFor = (before: TestEntry[], after: TestEntry[], extra = {}) =>
  commentary(compareRuns(makeRun(before), makeRun(after, extra), files))

describe('commentary', () => {
  it('puts regressions first, with the exit reason and first error line', () => {
    const notes = notesFor(
      [makeTest('z fixed', { passed: false }), makeTest('b broke'), makeTest('a broke')],
      [
        makeTest('z fixed'),
        makeTest('b broke', {
          passed: false,
          exit_reason: 'timeout',
          timeout_at_turn: 12,
          error: 'Timed out\nstack',
        }),
        makeTest('a broke', { passed: false }),
      ],
    )
    expect(notes).toEqual([
      'REGRESSION: "a broke" was passing, now fails.',
      'REGRESSION: "b broke" was passing, now fails — timeout at turn 12: Timed out.',
      'Fixed: "z fixed" now passes.',
      'Overall: 2 regressed, 1 fixed out of 3 cases compared.',
    ])
  })

  it('reports efficiency changes of stable passing tests above the thresholds only', () => {
    const before = [
      makeTest('slower', { turns_used: 10, duration_ms: 20_000, cost_usd: 0.2 }),
      makeTest('noise', { turns_used: 10, duration_ms: 20_000, cost_usd: 0.2 }),
      makeTest('finder', { detection_rate: 3 }),
    ]
    const after = [
      makeTest('slower', { turns_used: 13, duration_ms: 30_000, cost_usd: 0.3 }),
      makeTest('noise', { turns_used: 11, duration_ms: 23_000, cost_usd: 0.24 }),
      makeTest('finder', { detection_rate: 1 }),
    ]
    expect(notesFor(before, after)).toEqual([
      '"finder": detects 2 fewer bugs — check the prompt.',
      '"slower": 3 more turns (+30%), 10s slower, 50% more expensive.',
      'Overall: 28% more expensive, 26% slower, 20% more turns. No regressions.',
    ])
  })

  it('says a run is stable when nothing moved', () => {
    const tests = [makeTest('a'), makeTest('b'), makeTest('c')]
    expect(notesFor(tests, tests)).toEqual([
      'Stable run: no regressions and no significant efficiency changes.',
    ])
  })

  it('never calls a run stable while a case still fails, and lists it with its cause', () => {
    const before = [makeTest('a'), makeTest('c', { passed: false })]
    const after = [makeTest('a'), makeTest('c', { passed: false, headline: 'timeout after 30s' })]
    expect(notesFor(before, after)).toEqual([
      'Still failing: "c" failed in the earlier run too — timeout after 30s.',
      'Overall: 1 still failing out of 2 cases compared.',
    ])
  })

  it('gives repeated cases their pass counts and Fisher p-value, as the gate does', () => {
    const repeats = (passes: number) =>
      Array.from({ length: 5 }, (_, i) =>
        makeTest(`r (repeat ${i + 1}/5)`, { case_name: 'r', repeat: i + 1, passed: i < passes }),
      )
    expect(notesFor(repeats(5), repeats(0))[0]).toBe('REGRESSION: "r" 5/5 → 0/5 (p=0.004).')
    expect(notesFor(repeats(3), repeats(2))).toEqual([
      'Flaky: "r" 3/5 → 2/5 (p=0.500): mixed results, or a change not significant at alpha 0.05.',
      'Overall: 1 flaky out of 1 case compared.',
    ])
  })

  it('mentions tests that were not compared, removed or new', () => {
    const notes = notesFor([makeTest('skipped'), makeTest('gone')], [makeTest('fresh', { passed: false })], {
      not_run: [makeNotRun('skipped')],
    })
    expect(notes).toEqual([
      'New failure: "fresh" has no earlier result and fails.',
      'Not compared: "skipped" ran before but not this time.',
      'Removed: "gone" no longer in the run.',
      'Overall: 1 new failing; no case ran in both runs.',
    ])
  })
})
