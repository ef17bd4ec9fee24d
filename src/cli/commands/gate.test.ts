import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeRun, makeTest } from '../../compare/__fixtures__/runs.ts'
import type { RunFile, TestEntry } from '../../store/schema.ts'
import { type CliSandbox, cliSandbox } from '../__fixtures__/harness.ts'

function repeated(name: string, passes: number, runs = 5): TestEntry[] {
  return Array.from({ length: runs }, (_, i) =>
    makeTest(`${name} #${i + 1}`, { case_name: name, repeat: i + 1, repeats: runs, passed: i < passes }),
  )
}

const at = (timestamp: string, tests: TestEntry[], fields: Partial<RunFile> = {}) =>
  makeRun(tests, { timestamp, ...fields })

const OLD = '.evals/0.1.0-main-e2e-20260101-090000.json'
const NEW = '.evals/0.1.0-main-e2e-20260102-100000.json'

let box: CliSandbox

beforeAll(() => {
  box = cliSandbox()
  box.write(OLD, at('2026-01-01T09:00:00Z', [...repeated('fix', 5), makeTest('single')]))
  box.write(NEW, at('2026-01-02T10:00:00Z', [...repeated('fix', 0), makeTest('single')]))
  // A newer partial run and another tier are never the run gated by default.
  box.write(
    '.evals/0.1.0-main-e2e-20260103-100000.json',
    at('2026-01-03T10:00:00Z', [makeTest('single', { passed: false })], { _partial: true }),
  )
  box.write(
    '.evals/0.1.0-main-llm-judge-20260101-080000.json',
    at('2026-01-01T08:00:00Z', [makeTest('plan', { tier: 'llm-judge' })], { tier: 'llm-judge' }),
  )
  // Another results directory where the only change is flaky.
  box.write('flaky/0.1.0-main-e2e-20260101-090000.json', at('2026-01-01T09:00:00Z', repeated('plan', 3)))
  box.write('flaky/0.1.0-main-e2e-20260102-090000.json', at('2026-01-02T09:00:00Z', repeated('plan', 2)))
})

afterAll(() => box.remove())

describe('evalbox gate', () => {
  it('without a baseline exits 2 and says how to make one', async () => {
    const { code, stderr } = await box.run(['gate'])
    expect(code).toBe(2)
    expect(stderr).toContain('No baseline at')
    expect(stderr).toContain('evalbox baseline bless')
    expect(stderr).toContain('--previous')
  })

  it('fails (exit 1) on a significant regression against the blessed baseline', async () => {
    expect((await box.run(['baseline', 'bless', OLD])).code).toBe(0)
    const { code, stdout } = await box.run(['gate'])
    expect(code).toBe(1)
    const lines = stdout.split('\n')
    expect(lines[0]).toBe(
      `Gate: ${NEW} vs baseline evals/baseline.json (main @ 2026-01-01 09:00 UTC, abc1234)`,
    )
    expect(lines[1]).toBe('Eval gate failed (e2e): 1 case regressed')
    expect(lines.slice(2, 4)).toEqual(['Regressed (1):', '  suite › fix: 5/5 → 0/5 (p=0.004)'])
  })

  it('gates against the previous run with --previous', async () => {
    const { code, stdout } = await box.run(['gate', '--previous'])
    expect(code).toBe(1)
    expect(stdout).toContain('vs previous run 0.1.0-main-e2e-20260101-090000.json')
    expect(stdout).toContain('5/5 → 0/5 (p=0.004)')
  })

  it('passes (exit 0) when the change is only flaky, listing the flaky case', async () => {
    const { code, stdout } = await box.run(['gate', '--previous', '--dir', 'flaky'])
    expect(code).toBe(0)
    expect(stdout).toContain('Eval gate passed (e2e): no regressions (1 flaky)')
    expect(stdout).toContain('  suite › plan: 3/5 → 2/5 (p=0.500)')
  })

  it('honours --alpha', async () => {
    // 3/5 → 2/5 has p = 0.5: even a loose alpha keeps it flaky; alpha 1 makes it significant.
    expect((await box.run(['gate', '--previous', '--dir', 'flaky', '--alpha', '0.2'])).code).toBe(0)
    expect((await box.run(['gate', '--previous', '--dir', 'flaky', '--alpha', '1'])).code).toBe(1)
  })

  it('prints the gate result as JSON with --json, keeping the exit code', async () => {
    const { code, stdout } = await box.run(['gate', '--json'])
    expect(code).toBe(1)
    const result = JSON.parse(stdout)
    expect(result.ok).toBe(false)
    expect(result.regressed[0]).toMatchObject({ key: 'suite › fix', before: { passed: 5, runs: 5 } })
    expect(result.regressed[0].p).toBeCloseTo(1 / 252, 6)
    expect(result.before).toBe(`${box.root}/evals/baseline.json`)
  })

  it('exits 0 with a note when there is no previous run', async () => {
    const { code, stdout } = await box.run(['gate', '--previous', '--tier', 'llm-judge'])
    expect(code).toBe(0)
    expect(stdout).toContain('No earlier finalized llm-judge run to gate against; the gate passes.')
  })

  it('finds per-tier baselines through {tier} in the path', async () => {
    await box.run(['baseline', 'bless', '--tier', 'llm-judge', '--out', 'evals/base-{tier}.json'])
    const { code, stdout } = await box.run([
      'gate',
      '--baseline',
      'evals/base-{tier}.json',
      '--tier',
      'llm-judge',
    ])
    expect(code).toBe(0)
    expect(stdout).toContain('vs baseline evals/base-llm-judge.json')
    expect(stdout).toContain('Eval gate passed (llm-judge): no regressions')
  })

  it('exits 2 on usage errors', async () => {
    const both = await box.run(['gate', '--previous', '--baseline', 'x.json'])
    expect(both.code).toBe(2)
    expect(both.stderr).toContain('pass --baseline or --previous, not both')
    const alpha = await box.run(['gate', '--alpha', 'often'])
    expect(alpha.code).toBe(2)
    expect(alpha.stderr).toContain('--alpha must be a number in (0, 1], got "often"')
    expect((await box.run(['gate', '--fail-on', 'everything'])).code).toBe(2)
    const tier = await box.run(['gate', '--tier', 'llm-judge'])
    expect(tier.code).toBe(2)
    expect(tier.stderr).toContain('is a "e2e" run but --tier is "llm-judge"')
  })
})
