import { describe, expect, it } from 'vitest'
import { EvalboxError } from '../core/errors.ts'
import type { TestEntry } from '../store/schema.ts'
import { makeRun, makeTest } from './__fixtures__/runs.ts'
import { gate, judgeCase } from './gate.ts'

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
    expect(result.flaky[0]).toMatchObject({ verdict: 'flaky', before: { passed: 5 }, after: { passed: 4 } })
  })

  it('a drop that is significant only at a looser alpha regresses only there', () => {
    // 5/5 → 2/5: one-sided p = 0.0833.
    const before = makeRun(repeated('x', 5, 5))
    const after = makeRun(repeated('x', 2, 5))
    expect(gate(before, after).ok).toBe(true)
    expect(gate(before, after, { alpha: 0.1 }).ok).toBe(false)
  })

  it('a significant rise is an improvement; a steady case is not listed', () => {
    const before = makeRun([...repeated('up', 0, 6), ...repeated('steady', 4, 4)])
    const after = makeRun([...repeated('up', 6, 6), ...repeated('steady', 4, 4)])
    const result = gate(before, after)
    expect(result.improved.map((c) => c.key)).toEqual(['suite › up'])
    expect([...result.regressed, ...result.flaky]).toEqual([])
    expect(result.cases).toBe(2)
    expect(result.message).toContain('Improved (1):\n  suite › up: 0/6 → 6/6 (p=0.001)')
  })
})

describe('gate with single runs', () => {
  it('pass → fail is a regression, fail → pass an improvement, no p-value shown', () => {
    const before = makeRun([makeTest('a'), makeTest('b', { passed: false }), makeTest('c')])
    const after = makeRun([makeTest('a', { passed: false }), makeTest('b'), makeTest('c')])
    const result = gate(before, after)
    expect(result.ok).toBe(false)
    expect(result.regressed.map((c) => c.key)).toEqual(['suite › a'])
    expect(result.improved.map((c) => c.key)).toEqual(['suite › b'])
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
  it('a new failing case fails the gate only with failOn new-failure', () => {
    const before = makeRun([makeTest('old')])
    const after = makeRun([makeTest('old'), makeTest('brand new', { passed: false })])
    const lenient = gate(before, after)
    expect(lenient.ok).toBe(true)
    expect(lenient.newFailures.map((c) => c.key)).toEqual(['suite › brand new'])
    expect(lenient.message).toContain(
      'New and failing (not gated) (1):\n  suite › brand new: new, 0/1 passed',
    )
    const strict = gate(before, after, { failOn: ['regression', 'new-failure'] })
    expect(strict.ok).toBe(false)
    expect(strict.title).toBe('Eval gate failed (e2e): 1 new case failing')
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
    expect(() => gate(run, run, { failOn: ['regresion' as 'regression'] })).toThrow(/`failOn`.*regresion/)
  })
})

describe('judgeCase', () => {
  it('calls a not-significant steady-to-steady flip flaky, not a regression', () => {
    // 2/2 → 0/2: p = 1/6.
    expect(judgeCase({ passed: 2, runs: 2 }, { passed: 0, runs: 2 }, 0.05).verdict).toBe('flaky')
    expect(judgeCase({ passed: 0, runs: 3 }, { passed: 0, runs: 3 }, 0.05).verdict).toBe('unchanged')
    expect(judgeCase(null, { passed: 2, runs: 2 }, 0.05).verdict).toBe('added')
    expect(judgeCase(null, { passed: 1, runs: 2 }, 0.05).verdict).toBe('flaky')
  })
})
