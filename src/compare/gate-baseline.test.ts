import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EvalboxError } from '../core/errors.ts'
import { makeRun, makeTest } from './__fixtures__/runs.ts'
import { baselinePathFor, gateAgainstBaseline } from './gate-baseline.ts'

let root: string

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'evalbox-baseline-'))
  mkdirSync(join(root, 'evals'))
  const write = (name: string, run: unknown) => writeFileSync(join(root, 'evals', name), JSON.stringify(run))
  write('baseline.json', makeRun([makeTest('a'), makeTest('b')]))
  write('baseline-llm-judge.json', makeRun([makeTest('p', { tier: 'llm-judge' })], { tier: 'llm-judge' }))
  write('partial.json', makeRun([makeTest('a')], { _partial: true }))
})

afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('gateAgainstBaseline', () => {
  it('gates a run against the baseline file, resolved against root', () => {
    const run = makeRun([makeTest('a', { passed: false }), makeTest('b')])
    const result = gateAgainstBaseline(run, 'evals/baseline.json', { root })
    expect(result.ok).toBe(false)
    expect(result.regressed.map((c) => c.key)).toEqual(['suite › a'])
    expect(result.baselinePath).toBe(join(root, 'evals', 'baseline.json'))
  })

  it('replaces {tier} with the run tier', () => {
    const run = makeRun([makeTest('p', { tier: 'llm-judge' })], { tier: 'llm-judge' })
    const result = gateAgainstBaseline(run, 'evals/baseline-{tier}.json', { root, alpha: 0.01 })
    expect(result).toMatchObject({
      ok: true,
      alpha: 0.01,
      baselinePath: join(root, 'evals', 'baseline-llm-judge.json'),
    })
    expect(baselinePathFor('b/{tier}.json', 'feat/x y')).toBe('b/feat-x-y.json')
  })

  it('throws clear errors for a missing, partial or other-tier baseline', () => {
    const run = makeRun([makeTest('a')])
    expect(() => gateAgainstBaseline(run, 'evals/none.json', { root })).toThrow(/No baseline at .*none\.json/)
    expect(() => gateAgainstBaseline(run, 'evals/partial.json', { root })).toThrow(/partial run/)
    const judge = () => gateAgainstBaseline(run, 'evals/baseline-llm-judge.json', { root })
    expect(judge).toThrow(EvalboxError)
    expect(judge).toThrow('is a "llm-judge" run, not "e2e"')
  })
})
