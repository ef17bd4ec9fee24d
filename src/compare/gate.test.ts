import { describe, expect, it } from 'vitest'
import { EvalboxError } from '../core/errors.ts'
import type { TestEntry } from '../store/schema.ts'
import { makeRun, makeTest } from './__fixtures__/runs.ts'
import { classify } from './classify.ts'
import { gate } from './gate.ts'

/** `passes` of `runs` repeats of one case, as the eval runner records them. */
function repeated(name: string, passes: number, runs: number, fields: Partial<TestEntry> = {}): TestEntry[] {
  return Array.from({ length: runs }, (_, i) =>
    makeTest(`${name} (repeat ${i + 1}/${runs})`, {
      case_name: name,
      repeat: i + 1,
      repeats: runs,
      passed: i < passes,
      ...fields,
    }),
  )
}

describe('gate with repeats (Fisher)', () => {
  it('5/5 → 0/5 is a regression (p ≈ 0.004) and fails the gate', () => {
    const result = gate(makeRun(repeated('fix bug', 5, 5)), makeRun(repeated('fix bug', 0, 5)))
    expect(result.ok).toBe(false)
    expect(result.regressed).toHaveLength(1)
    const [c] = result.regressed
    expect(c).toMatchObject({
      key: 'suite › fix bug',
      before: { passed: 5, runs: 5 },
      after: { passed: 0, runs: 5 },
    })
    expect(c!.p).toBeCloseTo(1 / 252, 6)
    expect(result.message).toContain('suite › fix bug: 5/5 → 0/5 (p=0.004)')
    expect(result.title).toBe('Eval gate failed (e2e): 1 case regressed')
  })

  it('3/5 → 2/5 is flaky and the gate passes', () => {
    const result = gate(makeRun(repeated('plan', 3, 5)), makeRun(repeated('plan', 2, 5)))
    expect(result.ok).toBe(true)
    expect(result.regressed).toEqual([])
    expect(result.flaky.map((c) => c.key)).toEqual(['suite › plan'])
    expect(result.flaky[0]!.p).toBeCloseTo(0.5, 9)
    expect(result.message).toContain('suite › plan: 3/5 → 2/5 (p=0.500)')
    expect(result.title).toBe('Eval gate passed (e2e): no regressions (1 flaky)')
  })

  it('5/5 → 4/5 is flaky and the gate passes', () => {
    const result = gate(makeRun(repeated('plan', 5, 5)), makeRun(repeated('plan', 4, 5)))
    expect(result.ok).toBe(true)
    expect(result.flaky).toHaveLength(1)
    expect(result.flaky[0]).toMatchObject({ outcome: 'flaky', before: { passed: 5 }, after: { passed: 4 } })
  })

  it('a drop that is significant only at a looser alpha regresses only there', () => {
    // 5/5 → 2/5: one-sided p = 0.0833.
    const before = makeRun(repeated('x', 5, 5))
    const after = makeRun(repeated('x', 2, 5))
    expect(gate(before, after).ok).toBe(true)
    expect(gate(before, after, { alpha: 0.1 }).ok).toBe(false)
  })

  it('a significant rise is fixed; a steady case is not listed', () => {
    const before = makeRun([...repeated('up', 0, 6), ...repeated('steady', 4, 4)])
    const after = makeRun([...repeated('up', 6, 6), ...repeated('steady', 4, 4)])
    const result = gate(before, after)
    expect(result.fixed.map((c) => c.key)).toEqual(['suite › up'])
    expect([...result.regressed, ...result.flaky]).toEqual([])
    expect(result.cases).toBe(2)
    expect(result.message).toContain('Fixed (1):\n  suite › up: 0/6 → 6/6 (p=0.001)')
  })

  it('repeats failing every time, both times, are still failing', () => {
    const result = gate(makeRun(repeated('hard', 0, 5)), makeRun(repeated('hard', 0, 5)), {
      against: 'previous',
    })
    expect(result.ok).toBe(false)
    expect(result.stillFailing.map((c) => c.key)).toEqual(['suite › hard'])
    expect(result.title).toBe('Eval gate failed (e2e): 1 case still failing')
    expect(result.message).toContain('Still failing (1):\n  suite › hard: 0/5 → 0/5 (p=1.000)')
  })
})

describe('gate with single runs', () => {
  it('pass → fail is a regression, fail → pass fixed, no p-value shown', () => {
    const before = makeRun([makeTest('a'), makeTest('b', { passed: false }), makeTest('c')])
    const after = makeRun([makeTest('a', { passed: false }), makeTest('b'), makeTest('c')])
    const result = gate(before, after)
    expect(result.ok).toBe(false)
    expect(result.regressed.map((c) => c.key)).toEqual(['suite › a'])
    expect(result.fixed.map((c) => c.key)).toEqual(['suite › b'])
    expect(result.regressed[0]!.p).toBeUndefined()
    expect(result.message.split('\n').slice(0, 2)).toEqual(['Regressed (1):', '  suite › a: 1/1 → 0/1'])
  })

  it('keeps file and line of the case for annotations', () => {
    const after = makeRun([makeTest('a', { passed: false, file: 'evals/a.eval.ts', line: 12 })])
    const [c] = gate(makeRun([makeTest('a')]), after).regressed
    expect(c).toMatchObject({ file: 'evals/a.eval.ts', line: 12 })
  })

  it('lists regressions before flaky cases in the message', () => {
    const before = makeRun([makeTest('z-single'), ...repeated('a-flaky', 3, 5)])
    const after = makeRun([makeTest('z-single', { passed: false }), ...repeated('a-flaky', 2, 5)])
    const message = gate(before, after).message
    expect(message.indexOf('z-single')).toBeLessThan(message.indexOf('a-flaky'))
  })
})

describe('gate: new and missing cases', () => {
  it('a new failing case fails against a baseline by default, not against the previous run', () => {
    const before = makeRun([makeTest('old')])
    const after = makeRun([makeTest('old'), makeTest('brand new', { passed: false })])
    const lenient = gate(before, after, { against: 'previous' })
    expect(lenient.ok).toBe(true)
    expect(lenient.newFailures.map((c) => c.key)).toEqual(['suite › brand new'])
    expect(lenient.message).toContain(
      'New and failing (not gated) (1):\n  suite › brand new: new, 0/1 passed',
    )
    expect(lenient.title).toBe('Eval gate passed (e2e): no regressions (1 new case failing, not gated)')
    const strict = gate(before, after)
    expect(strict.failOn).toEqual(['regressed', 'new-failure'])
    expect(strict.ok).toBe(false)
    expect(strict.title).toBe('Eval gate failed (e2e): 1 new case failing')
  })

  it('a case that failed before too fails against the previous run by default, not against a baseline', () => {
    const before = makeRun([makeTest('known bad', { passed: false }), makeTest('ok')])
    const after = makeRun([makeTest('known bad', { passed: false }), makeTest('ok')])
    const previous = gate(before, after, { against: 'previous' })
    expect(previous.failOn).toEqual(['regressed', 'still-failing'])
    expect(previous.ok).toBe(false)
    expect(previous.title).toBe('Eval gate failed (e2e): 1 case still failing')
    expect(previous.message.split('\n').slice(0, 2)).toEqual([
      'Still failing (1):',
      '  suite › known bad: 0/1 → 0/1',
    ])
    const baseline = gate(before, after)
    expect(baseline.ok).toBe(true)
    expect(baseline.title).toBe('Eval gate passed (e2e): no regressions (1 case still failing, not gated)')
    expect(baseline.message).toContain('Still failing (not gated) (1):')
    expect(gate(before, after, { failOn: ['still-failing'] }).ok).toBe(false)
  })

  it('fails on flaky cases when failOn lists flaky', () => {
    const result = gate(makeRun(repeated('plan', 5, 5)), makeRun(repeated('plan', 4, 5)), {
      failOn: ['flaky'],
    })
    expect(result.ok).toBe(false)
    expect(result.title).toBe('Eval gate failed (e2e): 1 case flaky')
  })

  it('ignores cases that did not run now and cases that were removed', () => {
    const before = makeRun([makeTest('gone'), makeTest('skipped now')])
    const after = makeRun([], {
      not_run: [{ name: 'skipped now', suite: 'suite', tier: 'e2e', status: 'skipped' }],
    })
    const result = gate(before, after)
    expect(result.ok).toBe(true)
    expect(result.cases).toBe(0)
    expect(result.message).toContain('No cases ran.')
  })

  it('groups by suite: the same case name in two suites is two cases', () => {
    const before = makeRun([makeTest('t', { suite: 'A' }), makeTest('t', { suite: 'B' })])
    const after = makeRun([makeTest('t', { suite: 'A' }), makeTest('t', { suite: 'B', passed: false })])
    expect(gate(before, after).regressed.map((c) => c.key)).toEqual(['B › t'])
  })
})

describe('gate options', () => {
  it('rejects a bad alpha or failOn, naming the value', () => {
    const run = makeRun([makeTest('a')])
    expect(() => gate(run, run, { alpha: 0 })).toThrow(EvalboxError)
    expect(() => gate(run, run, { alpha: 5 })).toThrow(/`alpha`.*`5` \(number\)/)
    expect(() => gate(run, run, { failOn: ['regresion' as 'regressed'] })).toThrow(/`failOn`.*regresion/)
    expect(() => gate(run, run, { failOn: ['regression' as 'regressed'] })).toThrow(
      "'regression' is now called 'regressed'",
    )
  })
})

describe('classify', () => {
  const outcome = (before: [number, number] | null, after: [number, number]) =>
    classify(before && { passed: before[0], runs: before[1] }, { passed: after[0], runs: after[1] }).outcome

  it('judges single runs by pass/fail', () => {
    expect(outcome([1, 1], [0, 1])).toBe('regressed')
    expect(outcome([0, 1], [0, 1])).toBe('still-failing')
    expect(outcome([0, 1], [1, 1])).toBe('fixed')
    expect(outcome([1, 1], [1, 1])).toBe('passing')
    expect(outcome(null, [0, 1])).toBe('new-failure')
    expect(outcome(null, [1, 1])).toBe('added')
  })

  it('judges repeats by Fisher: a not-significant change is flaky, steady failure still failing', () => {
    // 2/2 → 0/2: p = 1/6.
    expect(outcome([2, 2], [0, 2])).toBe('flaky')
    expect(outcome([0, 3], [0, 3])).toBe('still-failing')
    expect(outcome([0, 1], [0, 5])).toBe('still-failing')
    expect(outcome([3, 3], [3, 3])).toBe('passing')
    expect(outcome([5, 5], [0, 5])).toBe('regressed')
    expect(outcome(null, [2, 2])).toBe('added')
    expect(outcome(null, [1, 2])).toBe('flaky')
    expect(outcome(null, [0, 2])).toBe('new-failure')
  })
})
