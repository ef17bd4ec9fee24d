import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { makeNotRun, makeRun, makeTest } from '../compare/__fixtures__/runs.ts'
import { baselineNote, filterNote } from '../render/baseline-note.ts'
import { findBaseline } from './baseline.ts'
import { listRuns } from './read-results.ts'
import type { RunFile } from './schema.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'evalbox-baseline-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const at = (hour: number) => `2026-01-02T${String(hour).padStart(2, '0')}:00:00.000Z`
function save(name: string, run: RunFile): string {
  writeFileSync(join(dir, name), JSON.stringify(run))
  return join(dir, name)
}
const suite = (names: string[], hour: number, fields: Partial<RunFile> = {}) =>
  makeRun(
    names
      .map((n) => makeTest(n, { passed: !n.startsWith('!') }))
      .map((t) => ({ ...t, name: t.name.replace('!', '') })),
    { timestamp: at(hour), ...fields },
  )
const find = (current: RunFile, maxRuns?: number) => {
  const reads: string[] = []
  const baseline = findBaseline(listRuns(dir), current, {
    ...(maxRuns && { maxRuns }),
    warn: (m) => reads.push(m),
  })
  return { baseline, reads }
}

describe('findBaseline', () => {
  it('takes all repeats of a case from one run, whatever their count was there', () => {
    const repeats = (n: number, hour: number, passed: boolean) =>
      makeRun(
        Array.from({ length: n }, (_, i) =>
          makeTest(`r (repeat ${i + 1}/${n})`, { case_name: 'r', repeat: i + 1, repeats: n, passed }),
        ),
        { timestamp: at(hour) },
      )
    save('1.json', repeats(5, 1, false))
    save('2.json', repeats(3, 2, true))
    const { baseline } = find(repeats(5, 3, true))
    expect(baseline?.caseSources).toEqual({ 'suite › r': '2.json' })
    expect(baseline?.composite).toBe(false)
    expect(baseline?.run.tests.map((t) => t.passed)).toEqual([true, true, true])
  })

  it('takes each case from the last run that ran it, past a filtered run', () => {
    save('1.json', suite(['!a', 'b', 'c'], 1))
    save('2.json', suite(['b'], 2, { filter: { test_name_pattern: 'b' } }))
    const { baseline } = find(suite(['a', 'b', 'c'], 3))
    expect(baseline?.caseSources).toEqual({
      'suite › b': '2.json',
      'suite › a': '1.json',
      'suite › c': '1.json',
    })
    expect(baseline?.composite).toBe(true)
    expect(baseline?.run.tests.map((t) => [t.name, t.passed])).toEqual([
      ['b', true],
      ['a', false],
      ['c', true],
    ])
    expect(baseline?.run).toMatchObject({ total_tests: 3, passed: 2, failed: 1, timestamp: at(2) })
    expect(baseline?.run.filter).toBeUndefined()
    expect(baselineNote(baseline!)).toBe(
      'compared with the last run of each case (2 runs: 2.json 1 case (filtered), 1.json 2 cases)',
    )
  })

  it('keeps the cases a full run no longer has (removed), never for a filtered run', () => {
    save('1.json', suite(['a', 'b', 'c'], 1))
    const full = find(suite(['a', 'b'], 2)).baseline
    expect(full?.run.tests.map((t) => t.name)).toEqual(['a', 'b', 'c'])
    expect(full?.composite).toBe(false)
    const filtered = suite(['a'], 2, { filter: { files: ['x'] } })
    expect(find(filtered).baseline?.run.tests.map((t) => t.name)).toEqual(['a'])
    expect(find(filtered).baseline?.suiteCases).toBe(3)
    expect(filterNote(filtered, 3)).toBe('filtered run: files x — 1 of 3 cases')
  })

  it('compares a case the run lists as not run with its last result, and leaves new cases out', () => {
    save('1.json', suite(['a', 'b'], 1))
    const current = suite(['new'], 2, { not_run: [makeNotRun('a')], filter: { test_name_pattern: 'new' } })
    const { baseline } = find(current)
    expect(baseline?.run.tests.map((t) => t.name)).toEqual(['a'])
    expect(filterNote(current, baseline?.suiteCases)).toBe("filtered run: -t 'new' — 1 of 3 cases")
  })

  it('passes over partial runs, shards, other tiers, newer runs, and prefers the same branch', () => {
    save('old-main.json', suite(['a'], 1))
    save('other.json', suite(['a'], 2, { branch: 'feature' }))
    save('partial.json', suite(['a'], 3, { _partial: true }))
    save('shard.json', suite(['a'], 3, { shard: '1/2' }))
    save('tier.json', suite(['a'], 3, { tier: 'judge' }))
    save('newer.json', suite(['a'], 9))
    expect(find(suite(['a'], 4)).baseline?.path).toBe(join(dir, 'old-main.json'))
    expect(find(suite(['a'], 4, { branch: 'feature' })).baseline?.path).toBe(join(dir, 'other.json'))
  })

  it('reads no more files than needed, and at most maxRuns', () => {
    save('0.json', suite(['c1', 'c2', 'c3'], 0))
    for (let h = 1; h <= 3; h++)
      save(`${h}.json`, suite([`c${h}`], h, { filter: { test_name_pattern: `c${h}` } }))
    save('4.json', suite(['c1', 'c2', 'c3'], 4))
    save('5.json', suite(['c3'], 5, { filter: { test_name_pattern: 'c3' } }))
    const runs = listRuns(dir)
    // Files the walk must not reach are cut short: reading one would warn.
    for (const name of ['0.json', '1.json', '2.json', '3.json']) writeFileSync(join(dir, name), '{')
    const reads: string[] = []
    const walk = (current: RunFile, maxRuns?: number) =>
      findBaseline(runs, current, { ...(maxRuns && { maxRuns }), warn: (m) => reads.push(m) })
    // 5.json has c3 (filtered), 4.json is a full run with the rest: the walk stops there.
    expect(walk(suite(['c1', 'c2', 'c3'], 6))?.caseSources).toEqual({
      'suite › c3': '5.json',
      'suite › c1': '4.json',
      'suite › c2': '4.json',
    })
    // maxRuns 1: only 5.json, which has neither case.
    expect(walk(suite(['c1', 'c9'], 6), 1)).toBeUndefined()
    expect(reads).toEqual([])
    // A case no run has keeps the walk going, to maxRuns: 5, 4 and the cut-short 3.json.
    const unknown = walk(suite(['c9'], 6), 3)
    expect(unknown?.caseSources).toEqual({})
    expect(unknown?.run.tests.map((t) => t.name)).toEqual(['c1', 'c2', 'c3'])
    expect(reads).toEqual([expect.stringMatching(/^passed over 3\.json/)])
  })

  it('passes over a file that cannot be read', () => {
    save('1.json', suite(['a'], 1))
    save('2.json', suite(['a'], 2))
    const runs = listRuns(dir)
    // Listed, then cut short (a run killed mid-write of a copy, a full disk).
    writeFileSync(join(dir, '2.json'), '{"tests": [')
    const reads: string[] = []
    const baseline = findBaseline(runs, suite(['a'], 3), { warn: (m) => reads.push(m) })
    expect(baseline?.path).toBe(join(dir, '1.json'))
    expect(reads).toEqual([expect.stringMatching(/^passed over 2\.json as a baseline run: .*not valid JSON/)])
  })
})
