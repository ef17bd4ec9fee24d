import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { makeRun, makeTest } from '../compare/__fixtures__/runs.ts'
import { resolveGateSettings, runGate } from './run-gate.ts'

describe('resolveGateSettings', () => {
  it('is off unless the option or EVALBOX_GATE asks for it; false wins over the variable', () => {
    expect(resolveGateSettings(undefined, {})).toBeUndefined()
    expect(resolveGateSettings(undefined, { EVALBOX_GATE: ' ' })).toBeUndefined()
    expect(resolveGateSettings(false, { EVALBOX_GATE: 'previous' })).toBeUndefined()
  })

  it('takes each field from the option, else the variable, else the default baseline', () => {
    expect(resolveGateSettings(undefined, { EVALBOX_GATE: 'previous' })).toEqual({ baseline: 'previous' })
    expect(resolveGateSettings({}, {})).toEqual({ baseline: 'evals/baseline.json' })
    expect(resolveGateSettings({ alpha: 0.01 }, { EVALBOX_GATE: 'b-{tier}.json' })).toEqual({
      baseline: 'b-{tier}.json',
      alpha: 0.01,
    })
    expect(
      resolveGateSettings({ baseline: 'previous', failOn: ['new-failure'] }, { EVALBOX_GATE: 'x.json' }),
    ).toEqual({ baseline: 'previous', failOn: ['new-failure'] })
  })

  it('rejects bad values before the run, naming them', () => {
    expect(() => resolveGateSettings({ alpha: 5 }, {})).toThrow(
      'Expected `gate.alpha` to be a number in (0, 1], got `5` (number) (try 0.05).',
    )
    expect(() => resolveGateSettings({ failOn: ['regressions' as 'regressed'] }, {})).toThrow(
      /`gate.failOn`.*"regressions"/,
    )
    expect(() => resolveGateSettings({ baseline: '' }, {})).toThrow(/`gate.baseline`/)
    expect(() => resolveGateSettings('previous' as never, {})).toThrow(/Expected `gate` to be an object/)
  })
})

describe('runGate', () => {
  const root = mkdtempSync(join(tmpdir(), 'evalbox-gate-'))
  const passing = makeRun([makeTest('a', { file: 'evals/a.eval.ts' }), makeTest('b')])
  const regressed = makeRun([makeTest('a', { passed: false }), makeTest('b')])
  const previous = join(root, 'previous.json')
  writeFileSync(previous, JSON.stringify(passing))
  mkdirSync(join(root, 'evals'))
  writeFileSync(join(root, 'evals', 'baseline-e2e.json'), JSON.stringify(passing))

  it('judges against the previous run and says which', () => {
    const gate = runGate(
      regressed,
      { baseline: 'previous' },
      { root, previous: { path: previous, run: passing } },
    )
    expect(gate.ok).toBe(false)
    expect(gate.result?.regressed.map((c) => c.key)).toEqual(['suite › a'])
    expect(gate.text).toBe(
      'Eval gate failed (e2e): 1 case regressed — vs previous run previous.json\nRegressed (1):\n  suite › a: 1/1 → 0/1\n' +
        "2 cases judged; single runs by pass/fail, repeats by Fisher's exact test.",
    )
  })

  it('passes without a previous run, and does not gate a shard against one', () => {
    expect(runGate(regressed, { baseline: 'previous' }, { root })).toMatchObject({
      ok: true,
      text: 'Gate: no earlier finalized e2e run to gate against; the gate passes.',
    })
    const shard = runGate(
      regressed,
      { baseline: 'previous' },
      { root, shard: '1/2', previous: { path: previous, run: passing } },
    )
    expect(shard.ok).toBeUndefined()
    expect(shard.text).toContain('shard 1/2 is not gated against the previous run')
  })

  it('judges against a baseline file per tier, relative to the root, also for a shard', () => {
    const gate = runGate(passing, { baseline: 'evals/baseline-{tier}.json' }, { root, shard: '2/2' })
    expect(gate.ok).toBe(true)
    expect(gate.text).toMatch(
      /^Eval gate passed \(e2e\): no regressions — vs baseline evals\/baseline-e2e\.json\n/,
    )
  })

  it('fails, with the fix, when the baseline is missing or of another tier', () => {
    const missing = runGate(passing, { baseline: 'evals/nope.json' }, { root })
    expect(missing.ok).toBe(false)
    expect(missing.text).toContain(`No baseline at ${join(root, 'evals', 'nope.json')}`)
    expect(missing.text).toContain('evalbox baseline bless')
    expect(missing.summary).toEqual({ note: expect.stringContaining('could not gate the e2e run') })
    const judge = makeRun([makeTest('a')], { tier: 'llm-judge' })
    const wrongTier = runGate(judge, { baseline: 'evals/baseline-e2e.json' }, { root })
    expect(wrongTier.ok).toBe(false)
    expect(wrongTier.text).toContain('is a "e2e" run, not "llm-judge"')
  })
})
