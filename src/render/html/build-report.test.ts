import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeRun, makeTest } from '../../compare/__fixtures__/runs.ts'
import { type ResultsFixture, resultsFixture, shardedResults } from './__fixtures__/results-dir.ts'
import { buildReport } from './build-report.ts'
import type { ReportData, ReportRun } from './types.ts'

let fx: ResultsFixture
beforeAll(() => {
  fx = resultsFixture()
})
afterAll(() => fx.remove())

const NOW = () => new Date('2026-01-04T00:00:00.000Z')

function run(data: ReportData, file: string): ReportRun {
  const found = data.runs.find((r) => r.file === file)
  if (!found) throw new Error(`no run ${file} in ${data.runs.map((r) => r.file).join(', ')}`)
  return found
}

function detailOf(data: ReportData, file: string, key: string) {
  const detail = run(data, file).cases.find((c) => c.key === key)?.detail
  if (!detail) throw new Error(`no detail for ${key} in ${file}`)
  return detail
}

describe('buildReport', () => {
  it('lists every run newest first and opens on the newest run against its previous one', () => {
    const data = buildReport(fx.dir, { now: NOW })
    expect(data.runs.map((r) => r.file)).toEqual([
      fx.files.e2eNew,
      fx.files.judgeNew,
      fx.files.e2eMid,
      fx.files.judgeOld,
      fx.files.e2eOld,
    ])
    expect(data.generatedAt).toBe('2026-01-04T00:00:00.000Z')
    expect(data.selected).toBe(fx.files.e2eNew)
    expect(data.comparison).toMatchObject({
      before: fx.files.e2eMid,
      after: fx.files.e2eNew,
      caseKey: 'paginate › fixes paginate',
    })
    expect(data.comparison?.commentary[0]).toContain('fixes paginate')
  })

  it("embeds each run's previous run: finalized, same tier, older", () => {
    const data = buildReport(fx.dir)
    expect(data.runs.map((r) => [r.file, r.previous])).toEqual([
      [fx.files.e2eNew, fx.files.e2eMid],
      [fx.files.judgeNew, fx.files.judgeOld],
      [fx.files.e2eMid, fx.files.e2eOld],
      [fx.files.judgeOld, null],
      [fx.files.e2eOld, null],
    ])
  })

  it('never picks a shard as the previous run of a whole run, as evalbox compare does not', () => {
    const files = shardedResults(join(fx.dir, 'sharded'))
    const data = buildReport(join(fx.dir, 'sharded'))
    expect(data.comparison).toMatchObject({ before: files.whole, after: files.newest })
    expect(data.runs.map((r) => [r.file, r.previous])).toEqual([
      [files.newest, files.whole],
      [files.shard, files.whole],
      [files.whole, null],
    ])
  })

  it('makes one table row per test, not-run entries included, with formatted numbers', () => {
    const newest = run(buildReport(fx.dir), fx.files.e2eNew)
    expect(newest.passRateText).toBe('2/3 passed (67%)')
    expect(newest.costText).toBe('$0.70')
    expect(newest.skipped).toBe(1)
    expect(
      newest.cases.map((c) => [c.key, c.status, c.scoreText, c.costText, c.turns, c.durationText]),
    ).toEqual([
      ['paginate › fixes paginate', 'FAIL', '0.25', '$0.41', 5, '1m01s'],
      ['suite › adds a flag', 'PASS', '0.90', '$0.25', 7, '30s'],
      ['suite › writes docs', 'PASS', '', '$0.04', 2, '4s'],
      ['suite › slow case', 'SKIP', '', '', null, ''],
    ])
    expect(newest.cases[0]?.exitReason).toBe('error_max_turns (budget stop: maxTurns)')
    expect(newest.cases[3]?.reason).toBe('no API key')
    expect(newest.cases[3]?.detail?.notes).toEqual(['This case did not run (skip: no API key).'])
  })

  it('embeds output, grades, tool calls from the kept transcript and the kept patch', () => {
    const detail = detailOf(buildReport(fx.dir), fx.files.e2eNew, 'paginate › fixes paginate')
    expect(detail.output?.text).toContain(fx.injection)
    expect(detail.grades.map((g) => [g.name, g.pass, g.explanation])).toEqual([
      ['unit-tests', false, '3/12 tests passed; 9 failed'],
      ['contains', true, 'output mentions "Fixed"'],
    ])
    expect(detail.toolCalls).toEqual({
      calls: ['Grep(slice()', 'Edit(src/paginate.js)', 'Bash(npm test -- --run)', 'Write(NOTES.md)'],
      omitted: 0,
      source: 'runs/r-new/fixes-paginate/transcript.ndjson',
    })
    expect(detail.patch?.text).toContain('+  return items.slice(page * size - 1, page * size + size)')
    expect(detail.patch?.truncated).toBe(false)
    expect(detail.notes).toEqual([])
  })

  it('notes kept files that are missing instead of failing', () => {
    const detail = detailOf(buildReport(fx.dir), fx.files.e2eOld, 'paginate › fixes paginate')
    expect(detail.output?.text).toBe('Tests: 3 failed')
    expect(detail.toolCalls).toBeNull()
    expect(detail.patch).toBeNull()
    expect(detail.notes).toEqual([
      'The transcript file runs/r-old/fixes-paginate/transcript.ndjson is missing.',
      'The patch file runs/r-old/fixes-paginate/patch.diff is missing.',
    ])
  })

  it('cuts long outputs and patches to maxTextBytes and says so', () => {
    const detail = detailOf(
      buildReport(fx.dir, { maxTextBytes: 40 }),
      fx.files.e2eNew,
      'paginate › fixes paginate',
    )
    expect(detail.output).toMatchObject({
      truncated: true,
      bytes: Buffer.byteLength(`Fixed it. ${fx.injection} Done.`),
    })
    expect(Buffer.byteLength(detail.output?.text ?? '')).toBeLessThanOrEqual(40)
    expect(detail.patch?.truncated).toBe(true)
    expect(detail.patch?.text).toBe('diff --git a/src/paginate.js b/src/pagin')
  })

  it('filters by tier, and limits runs while keeping the compared pair', () => {
    expect(buildReport(fx.dir, { tier: 'llm-judge' }).runs.map((r) => r.file)).toEqual([
      fx.files.judgeNew,
      fx.files.judgeOld,
    ])
    const one = buildReport(fx.dir, { runs: 1 })
    expect(one.runs.map((r) => r.file)).toEqual([fx.files.e2eNew, fx.files.e2eMid])
    expect(one.comparison?.before).toBe(fx.files.e2eMid)
  })

  it('opens on an explicit pair, earlier first', () => {
    const data = buildReport(fx.dir, { compare: [fx.files.e2eOld, fx.files.e2eNew], runs: 1 })
    expect(data.comparison).toMatchObject({ before: fx.files.e2eOld, after: fx.files.e2eNew })
    expect(data.selected).toBe(fx.files.e2eNew)
    expect(data.runs.map((r) => r.file)).toEqual([fx.files.e2eNew, fx.files.e2eOld])
  })

  it('leaves details of other runs out once the size budget is used, never the case the pair opens on', () => {
    const data = buildReport(fx.dir, { maxDetailBytes: 1 })
    const omitted = data.runs.filter((r) => r.detailsOmitted).map((r) => r.file)
    expect(omitted.sort()).toEqual([fx.files.e2eOld, fx.files.judgeNew, fx.files.judgeOld].sort())
    expect(run(data, fx.files.judgeNew).cases[0]?.detail).toBeUndefined()
    expect(run(data, fx.files.e2eMid).cases[0]?.detail?.output?.text).toBe('All 12 tests pass.')
  })

  it('spends the budget on the compared pair case by case: the opening case, changed, failing, then none', () => {
    const dir = join(fx.dir, 'budget')
    mkdirSync(dir)
    const names = Array.from({ length: 20 }, (_, i) => `c${String(i).padStart(2, '0')}`)
    const runOf = (failing: string[], hour: number) =>
      makeRun(
        names.map((name) => makeTest(name, { passed: !failing.includes(name), output: name.repeat(500) })),
        { timestamp: `2026-01-02T0${hour}:00:00.000Z` },
      )
    const before = '0.1.0-main-e2e-20260102-010000.json'
    const after = '0.1.0-main-e2e-20260102-020000.json'
    writeFileSync(join(dir, before), JSON.stringify(runOf(['c07', 'c11'], 1)))
    writeFileSync(join(dir, after), JSON.stringify(runOf(['c03', 'c11'], 2)))
    // Room for six 1,500-byte outputs: c03 (regressed, opened on) and c07 (fixed), then c11
    // (failing in both), each in both runs.
    const data = buildReport(dir, { maxDetailBytes: 6 * 1500 - 1 })
    expect(data.comparison?.caseKey).toBe('suite › c03')
    for (const file of [before, after]) {
      const r = run(data, file)
      expect(r.cases.filter((c) => c.detail).map((c) => c.name)).toEqual(['c03', 'c07', 'c11'])
      expect(r.detailsOmitted).toBe(false)
      expect(r.cases.find((c) => c.name === 'c07')?.detail?.output).toEqual({
        text: 'c07'.repeat(500),
        truncated: false,
        bytes: 1500,
      })
    }
    // The opening case keeps its details whatever the budget.
    const tiny = buildReport(dir, { maxDetailBytes: 1 })
    for (const file of [before, after])
      expect(
        run(tiny, file)
          .cases.filter((c) => c.detail)
          .map((c) => c.name),
      ).toEqual(['c03'])
    // Room for everything: every case of both runs.
    const all = buildReport(dir)
    for (const file of [before, after]) expect(run(all, file).cases.every((c) => c.detail)).toBe(true)
  })

  it('says how long an output read cut from the run file really is', () => {
    const dir = join(fx.dir, 'long-output')
    mkdirSync(dir)
    const tests = [
      makeTest('ascii', { output: 'x'.repeat(5000) }),
      makeTest('wide', { output: 'é'.repeat(1000) }),
    ]
    writeFileSync(join(dir, 'run.json'), JSON.stringify(makeRun(tests)))
    const data = buildReport(dir, { maxTextBytes: 100 })
    expect(detailOf(data, 'run.json', 'suite › ascii').output).toEqual({
      text: 'x'.repeat(100),
      truncated: true,
      bytes: 5000,
    })
    expect(detailOf(data, 'run.json', 'suite › wide').output).toEqual({
      text: 'é'.repeat(50),
      truncated: true,
      bytes: 2000,
    })
  })

  it('refuses kept-file paths that lead outside the results directory', () => {
    const dir = join(fx.dir, 'escape')
    mkdirSync(dir)
    writeFileSync(join(fx.dir, 'secret.txt'), 'secret')
    const test = makeTest('sneaky', {
      artifacts: { transcript: '../secret.txt' },
      harvest: { filesChanged: 1, patchPath: '/etc/passwd', isDuplicate: false },
    })
    writeFileSync(join(dir, 'run.json'), JSON.stringify(makeRun([test])))
    const detail = detailOf(buildReport(dir), 'run.json', 'suite › sneaky')
    expect(detail.toolCalls).toBeNull()
    expect(detail.patch).toBeNull()
    expect(detail.notes).toEqual([
      'The transcript path "../secret.txt" is outside the results directory; not read.',
      'The patch path "/etc/passwd" is outside the results directory; not read.',
    ])
  })

  it('throws NO_RESULTS for an empty directory and INVALID_OPTIONS for a bad run count', () => {
    expect(() => buildReport(join(fx.dir, 'nothing-here'))).toThrow(
      expect.objectContaining({ code: 'NO_RESULTS' }),
    )
    expect(() => buildReport(fx.dir, { tier: 'nope' })).toThrow(/has no nope runs/)
    expect(() => buildReport(fx.dir, { runs: 0 })).toThrow(
      expect.objectContaining({
        code: 'INVALID_OPTIONS',
        message: 'Expected `runs` to be a positive integer, got `0` (number).',
      }),
    )
  })

  it("opens with takeaways over each case's last run: a filtered previous run adds nothing", () => {
    const dir = join(fx.dir, 'filtered')
    mkdirSync(dir)
    const at = (hour: number) => ({ timestamp: `2026-01-02T0${hour}:00:00.000Z` })
    const save = (name: string, r: ReturnType<typeof makeRun>) =>
      writeFileSync(join(dir, name), JSON.stringify(r))
    save(
      '0.1.0-main-e2e-20260102-010000.json',
      makeRun([makeTest('a', { passed: false }), makeTest('b')], at(1)),
    )
    save(
      '0.1.0-main-e2e-20260102-020000.json',
      makeRun([makeTest('b')], { ...at(2), filter: { test_name_pattern: 'b' } }),
    )
    save('0.1.0-main-e2e-20260102-030000.json', makeRun([makeTest('a'), makeTest('b')], at(3)))
    const data = buildReport(dir)
    const takeaways = data.comparison?.commentary.join('\n') ?? ''
    expect(takeaways).not.toMatch(/New:|without a previous result/)
    expect(takeaways).toContain('Fixed: "a" now passes.')
    expect(data.comparison?.caseKey).toBe('suite › a')
  })
})
