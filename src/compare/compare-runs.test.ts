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
  it('classifies each test and counts the classes', () => {
    const before = makeRun([
      makeTest('fixed', { passed: false }),
      makeTest('broke'),
      makeTest('same'),
      makeTest('gone'),
      makeTest('skipped now'),
    ])
    const after = makeRun(
      [makeTest('fixed'), makeTest('broke', { passed: false }), makeTest('same'), makeTest('new')],
      { not_run: [makeNotRun('skipped now', { reason: 'no API key' })] },
    )
    const c = compareRuns(before, after, files)
    expect(Object.fromEntries(c.deltas.map((d) => [d.label, d.status_change]))).toEqual({
      fixed: 'improved',
      broke: 'regressed',
      same: 'unchanged',
      new: 'added',
      'skipped now': 'not_run',
      gone: 'removed',
    })
    expect(c).toMatchObject({ improved: 1, regressed: 1, unchanged: 1, added: 1, removed: 1, not_run: 1 })
    expect(byName(c, 'skipped now')).toMatchObject({
      before: { passed: true },
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
    expect(byName(c, 'b')).toMatchObject({ status_change: 'not_run', not_run: { status: 'not_run' } })
    expect(c).toMatchObject({ removed: 0, regressed: 0, not_run: 1, after_partial: true })
  })

  it('matches by suite and name, labelling names that are ambiguous', () => {
    const before = makeRun([makeTest('t', { suite: 'A' }), makeTest('t', { suite: 'B', passed: false })])
    const after = makeRun([makeTest('t', { suite: 'B' }), makeTest('t', { suite: 'A' })])
    const c = compareRuns(before, after, files)
    expect(byName(c, 'B › t').status_change).toBe('improved')
    expect(byName(c, 'A › t').status_change).toBe('unchanged')
  })

  it('falls back to the name when one file has no suites', () => {
    const before = makeRun([makeTest('t', { suite: '' })])
    const after = makeRun([makeTest('t', { suite: 'S', passed: false })])
    const c = compareRuns(before, after, files)
    expect(c.deltas).toHaveLength(1)
    expect(c.deltas[0]).toMatchObject({ label: 't', status_change: 'regressed' })
  })

  it('keeps repeats apart and does not merge duplicate names', () => {
    const before = makeRun([
      makeTest('case [1/2]', { case_name: 'case', repeat: 1 }),
      makeTest('dup'),
      makeTest('dup'),
    ])
    const after = makeRun([
      makeTest('case [1/2]', { case_name: 'case', repeat: 1, passed: false }),
      makeTest('case [2/2]', { case_name: 'case', repeat: 2 }),
      makeTest('dup'),
      makeTest('dup', { passed: false }),
    ])
    const c = compareRuns(before, after, files)
    expect(c.deltas.map((d) => [d.key, d.status_change])).toEqual([
      ['suite › case [1/2]', 'regressed'],
      ['suite › case [2/2]', 'added'],
      ['suite › dup', 'unchanged'],
      ['suite › dup #2', 'regressed'],
    ])
  })

  it('counts tools from tool_summary, else from a seed-format transcript', () => {
    const before = makeRun([makeTest('a', { transcript: transcriptWithTools('Bash', 'Read', 'Bash') })])
    const after = makeRun([
      makeTest('a', { tool_summary: { Bash: 1, Write: 2 }, transcript: transcriptWithTools('Ignored') }),
    ])
    const c = compareRuns(before, after, files)
    expect(c.deltas[0]?.before?.tool_summary).toEqual({ Bash: 2, Read: 1 })
    expect(c).toMatchObject({
      tool_count_before: 3,
      tool_count_after: 3,
      tools_before: { Bash: 2, Read: 1 },
      tools_after: { Bash: 1, Write: 2 },
    })
  })

  it('computes totals from the run files without float noise', () => {
    const before = makeRun([makeTest('a')], { total_cost_usd: 0.1, total_duration_ms: 20_000 })
    const after = makeRun([makeTest('a')], { total_cost_usd: 0.3, total_duration_ms: 15_000 })
    const c = compareRuns(before, after, files)
    expect(c.total_cost_delta).toBe(0.2)
    expect(c.total_duration_delta).toBe(-5_000)
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
