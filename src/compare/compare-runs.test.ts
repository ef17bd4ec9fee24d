import { describe, expect, it, it as test } from 'vitest'
import { makeNotRun, makeRun, makeTest, transcriptWithTools } from './__fixtures__/runs.ts'
import { commentary } from './commentary.ts'
import { compareRuns } from './compare-runs.ts'

const files = { beforeFile: '/r/before.json', afterFile: '/r/after.json' }

function byName(c: ReturnType<typeof compareRuns>, label: string) {
  const d = c.deltas.find((x) => x.label === label)
  if (!d) throw new Error(`no delta ${label}`)
  return d
}

describe('compareRuns', () => {
  it('classifies each case and counts the classes', () => {
    const before = makeRun([
      makeTest('fixed', { passed: false }),
      makeTest('broke'),
      makeTest('same'),
      makeTest('still', { passed: false }),
      makeTest('gone'),
      makeTest('skipped now'),
    ])
    const after = makeRun(
      [
        makeTest('fixed'),
        makeTest('broke', { passed: false }),
        makeTest('same'),
        makeTest('still', { passed: false }),
        makeTest('new'),
        makeTest('new and broken', { passed: false }),
      ],
      { not_run: [makeNotRun('skipped now', { reason: 'no API key' })] },
    )
    const c = compareRuns(before, after, files)
    expect(Object.fromEntries(c.deltas.map((d) => [d.label, d.status]))).toEqual({
      fixed: 'fixed',
      broke: 'regressed',
      same: 'passing',
      still: 'still-failing',
      new: 'added',
      'new and broken': 'new-failure',
      'skipped now': 'not_run',
      gone: 'removed',
    })
    expect(c.counts).toEqual({
      regressed: 1,
      'still-failing': 1,
      'new-failure': 1,
      flaky: 0,
      fixed: 1,
      added: 1,
      passing: 1,
      removed: 1,
      not_run: 1,
    })
    expect(byName(c, 'skipped now')).toMatchObject({
      before: { passed: 1, runs: 1 },
      after: null,
      not_run: { status: 'skipped', reason: 'no API key' },
    })
    expect(byName(c, 'new').before).toBeNull()
    expect(byName(c, 'gone').after).toBeNull()
  })

  it('treats tests an unfinished run had not reached as not run, not removed', () => {
    const before = makeRun([makeTest('a'), makeTest('b')])
    const after = makeRun([makeTest('a')], { _partial: true, partial_reason: 'interrupted' })
    const c = compareRuns(before, after, files)
    expect(byName(c, 'b')).toMatchObject({ status: 'not_run', not_run: { status: 'not_run' } })
    expect(c.counts).toMatchObject({ removed: 0, regressed: 0, not_run: 1 })
    expect(c.after_partial).toBe(true)
  })

  it('matches by suite and name, labelling names that are ambiguous', () => {
    const before = makeRun([makeTest('t', { suite: 'A' }), makeTest('t', { suite: 'B', passed: false })])
    const after = makeRun([makeTest('t', { suite: 'B' }), makeTest('t', { suite: 'A' })])
    const c = compareRuns(before, after, files)
    expect(byName(c, 'B › t').status).toBe('fixed')
    expect(byName(c, 'A › t').status).toBe('passing')
  })

  it('falls back to the name when one file has no suites', () => {
    const before = makeRun([makeTest('t', { suite: '' })])
    const after = makeRun([makeTest('t', { suite: 'S', passed: false })])
    const c = compareRuns(before, after, files)
    expect(c.deltas).toHaveLength(1)
    expect(c.deltas[0]).toMatchObject({ label: 't', status: 'regressed' })
  })

  it('folds repeats (and same-named entries) into one case, judged by Fisher as the gate judges it', () => {
    const repeats = (passes: number) =>
      Array.from({ length: 5 }, (_, i) =>
        makeTest(`case (repeat ${i + 1}/5)`, {
          case_name: 'case',
          repeat: i + 1,
          repeats: 5,
          passed: i < passes,
        }),
      )
    const before = makeRun([...repeats(5), makeTest('dup'), makeTest('dup')])
    const after = makeRun([...repeats(3), makeTest('dup'), makeTest('dup', { passed: false })])
    const c = compareRuns(before, after, files)
    expect(c.deltas.map((d) => [d.key, d.status])).toEqual([
      ['suite › case', 'flaky'],
      ['suite › dup', 'flaky'],
    ])
    const [repeated] = c.deltas
    expect(repeated).toMatchObject({
      label: 'case',
      before: { passed: 5, runs: 5 },
      after: { passed: 3, runs: 5 },
    })
    expect(repeated!.p).toBeCloseTo(0.2222, 4)
    expect(c.counts.flaky).toBe(2)
    expect(compareRuns(before, after, files, { alpha: 0.5 }).deltas[0]!.status).toBe('regressed')
  })

  it('flags a case whose sandbox provider or image changed', () => {
    const inDocker = { provider: 'docker', id: 'c1', image: 'base:1' }
    const before = makeRun([
      makeTest('moved', { passed: false, sandbox: inDocker }),
      makeTest('rebuilt', { sandbox: inDocker }),
      makeTest('same', { sandbox: inDocker }),
    ])
    const after = makeRun([
      makeTest('moved', { sandbox: { provider: 'local', id: 'l1', image: 'base:1' } }),
      makeTest('rebuilt', { sandbox: { ...inDocker, image: 'base:2' } }),
      makeTest('same', { sandbox: { ...inDocker, id: 'c2' } }),
    ])
    const c = compareRuns(before, after, files)
    expect(byName(c, 'moved').sandbox_change).toEqual({ before: 'docker', after: 'local' })
    expect(byName(c, 'rebuilt').sandbox_change).toEqual({
      before: 'docker (base:1)',
      after: 'docker (base:2)',
    })
    expect(byName(c, 'same').sandbox_change).toBeUndefined()
    expect(c.sandbox_changes).toBe(2)
    expect(commentary(c)).toContain('Fixed: "moved" now passes (sandbox changed: docker → local).')
  })

  it('counts tools from tool_summary, else from a seed-format transcript', () => {
    const before = makeRun([makeTest('a', { transcript: transcriptWithTools('Bash', 'Read', 'Bash') })])
    const after = makeRun([
      makeTest('a', { tool_summary: { Bash: 1, Write: 2 }, transcript: transcriptWithTools('Ignored') }),
    ])
    const c = compareRuns(before, after, files)
    expect(c.deltas[0]?.before?.tool_summary).toEqual({ Bash: 2, Read: 1 })
    expect(c.totals_before).toMatchObject({ tool_calls: 3, tools: { Bash: 2, Read: 1 } })
    expect(c.totals_after).toMatchObject({ tool_calls: 3, tools: { Bash: 1, Write: 2 } })
  })

  it('computes totals only over the cases both runs have, without float noise', () => {
    const before = makeRun([
      makeTest('a', { cost_usd: 0.1, duration_ms: 20_000, tokens: { input: 100, output: 10 } }),
      makeTest('only before', { cost_usd: 5, duration_ms: 99_000 }),
    ])
    const after = makeRun([
      makeTest('a', { cost_usd: 0.2, duration_ms: 15_000, tokens: { input: 150, output: 20 } }),
      makeTest('only after', { cost_usd: 7, duration_ms: 88_000 }),
    ])
    const c = compareRuns(before, after, files)
    expect(c.compared_cases).toBe(1)
    expect(c.totals_before).toMatchObject({ cost_usd: 0.1, duration_ms: 20_000, tokens: 110 })
    expect(c.totals_after).toMatchObject({ cost_usd: 0.2, duration_ms: 15_000, tokens: 170 })
    expect(c).toMatchObject({ before_file: '/r/before.json', after_file: '/r/after.json', tier: 'e2e' })
  })
})

describe('budget regressions', () => {
  const withTurns = (name: string, turns: number, tools: Record<string, number>) =>
    makeTest(name, { turns_used: turns, tool_summary: tools })

  test('a case using more than 2× the turns or tool calls of the previous run is flagged, whatever its outcome', () => {
    const before = makeRun([
      withTurns('steady', 6, { Bash: 4 }),
      withTurns('wandering', 6, { Bash: 4 }),
      withTurns('busy', 5, { Read: 2 }),
    ])
    const after = makeRun([
      withTurns('steady', 12, { Bash: 8 }),
      withTurns('wandering', 14, { Bash: 4 }),
      withTurns('busy', 5, { Read: 9 }),
    ])
    const c = compareRuns(before, after, { beforeFile: 'a.json', afterFile: 'b.json' })
    expect(c.budget_factor).toBe(2)
    expect(c.budget_regressions).toBe(2)
    expect(c.deltas.find((d) => d.name === 'steady')!.budget).toBeUndefined()
    expect(c.deltas.find((d) => d.name === 'wandering')!.budget).toEqual([
      { measure: 'turns', before: 6, after: 14 },
    ])
    expect(c.deltas.find((d) => d.name === 'busy')!.budget).toEqual([
      { measure: 'tool calls', before: 2, after: 9 },
    ])
    expect(commentary(c)).toContain('BUDGET: "busy" used 9 tool calls, 4.5× the previous 2 (limit 2×).')
    expect(commentary(c)).toContain('BUDGET: "wandering" used 14 turns, 2.3× the previous 6 (limit 2×).')
  })

  test('the factor is configurable', () => {
    const before = makeRun([withTurns('x', 10, {})])
    const after = makeRun([withTurns('x', 14, {})])
    expect(
      compareRuns(before, after, { beforeFile: 'a', afterFile: 'b' }, { budgetFactor: 1.2 })
        .budget_regressions,
    ).toBe(1)
    expect(compareRuns(before, after, { beforeFile: 'a', afterFile: 'b' }).budget_regressions).toBe(0)
  })
})
