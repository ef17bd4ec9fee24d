import { describe, expect, it } from 'vitest'
import { makeRun, makeTest } from '../compare/__fixtures__/runs.ts'
import type { TierEnd } from './conclude.ts'
import { gateExitCode } from './exit-code.ts'

const run = makeRun([makeTest('a')])
const tier = (ok: boolean | undefined, name = 'e2e'): TierEnd => ({
  tier: name,
  path: `/r/${name}.json`,
  run,
  gate: { ok, text: '', summary: { note: '' } },
})

describe('gateExitCode', () => {
  it('fails when any tier failed its gate, whatever else happened', () => {
    expect(gateExitCode([tier(true), tier(false, 'judge')], true)).toBe(1)
    expect(gateExitCode([tier(false)], false)).toBe(1)
  })

  it('clears the exit code only when every tier passed and all failures were judged evals', () => {
    expect(gateExitCode([tier(true), tier(true, 'judge')], true)).toBe(0)
    expect(gateExitCode([tier(true)], false)).toBeUndefined()
  })

  it("leaves Vitest's exit code alone when a tier was not gated or there was no gate", () => {
    expect(gateExitCode([tier(true), tier(undefined, 'judge')], true)).toBeUndefined()
    expect(gateExitCode([{ tier: 'e2e', path: '/r/x.json', run }], true)).toBeUndefined()
    expect(gateExitCode([], true)).toBeUndefined()
  })
})
