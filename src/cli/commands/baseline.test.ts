import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { makeRun, makeTest } from '../../compare/__fixtures__/runs.ts'
import { loadRunFile } from '../../store/read-results.ts'
import { type CliSandbox, cliSandbox } from '../__fixtures__/harness.ts'

const FINAL = '.evals/0.1.0-main-e2e-20260102-100000.json'
const PARTIAL = '.evals/0.1.0-main-e2e-20260103-100000.json'

let box: CliSandbox

beforeEach(() => {
  box = cliSandbox()
  box.write(
    '.evals/0.1.0-main-e2e-20260101-100000.json',
    makeRun([makeTest('a')], { timestamp: '2026-01-01T10:00:00Z' }),
  )
  box.write(
    FINAL,
    makeRun([makeTest('a'), makeTest('b', { passed: false })], { timestamp: '2026-01-02T10:00:00Z' }),
  )
  box.write(PARTIAL, makeRun([makeTest('a')], { timestamp: '2026-01-03T10:00:00Z', _partial: true }))
})

afterEach(() => box.remove())

describe('evalbox baseline bless', () => {
  it('copies the newest finalized run of the tier to evals/baseline.json', async () => {
    const { code, stdout } = await box.run(['baseline', 'bless'])
    expect(code).toBe(0)
    const out = join(box.root, 'evals', 'baseline.json')
    expect(loadRunFile(out)).toEqual(loadRunFile(join(box.root, FINAL)))
    expect(readFileSync(out, 'utf8')).toMatch(/^\{\n {2}"schema_version": 1,/)
    expect(stdout).toContain(`Blessed ${FINAL} (e2e, main @ 2026-01-02 10:00 UTC, 1/2 passed)`)
    expect(stdout).toContain('evals/baseline.json')
  })

  it('refuses a partial run with a clear message (exit 2)', async () => {
    const { code, stderr } = await box.run(['baseline', 'bless', PARTIAL])
    expect(code).toBe(2)
    expect(stderr).toContain(`${PARTIAL} is a partial run (it did not finish), so it cannot be a baseline`)
    expect(existsSync(join(box.root, 'evals', 'baseline.json'))).toBe(false)
  })

  it('writes where --out says, and looks for runs where --dir says', async () => {
    box.write(
      'other/0.1.0-main-llm-judge-20260101-000000.json',
      makeRun([makeTest('p')], { tier: 'llm-judge' }),
    )
    const { code } = await box.run(['baseline', 'bless', '--dir', 'other', '--out', 'ci/{tier}.json'])
    expect(code).toBe(0)
    expect(loadRunFile(join(box.root, 'ci', 'llm-judge.json')).tier).toBe('llm-judge')
  })

  it('says when there is no finalized run to bless', async () => {
    const { code, stderr } = await box.run(['baseline', 'bless', '--tier', 'llm-judge'])
    expect(code).toBe(2)
    expect(stderr).toContain('No finalized llm-judge runs in')
  })

  it('needs the bless subcommand', async () => {
    const none = await box.run(['baseline'])
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('evalbox: baseline needs a subcommand: bless.')
    expect(none.stderr).toContain('Usage: evalbox baseline bless')
    expect((await box.run(['baseline', 'curse'])).stderr).toContain('unknown subcommand "curse"')
  })
})
