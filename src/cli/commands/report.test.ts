import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ResultsFixture, resultsFixture } from '../../render/html/__fixtures__/results-dir.ts'
import type { ReportModel } from '../../render/html/render-html.ts'
import { type CliSandbox, cliSandbox } from '../__fixtures__/harness.ts'

let box: CliSandbox
let fx: ResultsFixture

beforeAll(() => {
  box = cliSandbox()
  fx = resultsFixture()
})
afterAll(() => {
  box.remove()
  fx.remove()
})

function model(path: string): ReportModel {
  const html = readFileSync(path, 'utf8')
  const start = html.indexOf('<script type="application/json" id="evalbox-report-data">')
  const body = html.slice(html.indexOf('>', start) + 1, html.indexOf('</script>', start))
  return JSON.parse(body) as ReportModel
}

describe('evalbox report', () => {
  it('writes evals-report.html in the cwd and prints its path', async () => {
    const { code, stdout, stderr } = await box.run(['report', '--dir', fx.dir])
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: 'evals-report.html\n', stderr: '' })
    const { data } = model(join(box.root, 'evals-report.html'))
    expect(data.runs).toHaveLength(5)
    expect(data.comparison).toMatchObject({ before: fx.files.e2eMid, after: fx.files.e2eNew })
  })

  it('honours --out, --tier and --runs, and two files to put side by side', async () => {
    const out = join('out', 'r.html')
    const run = await box.run([
      'report',
      fx.files.e2eOld,
      fx.files.e2eNew,
      '--dir',
      fx.dir,
      '--tier',
      'e2e',
      '--runs',
      '1',
      '--out',
      out,
    ])
    expect(run).toEqual({ code: 0, stdout: `${out}\n`, stderr: '' })
    const { data } = model(join(box.root, out))
    expect(data.tier).toBe('e2e')
    expect(data.runs.map((r) => r.file)).toEqual([fx.files.e2eNew, fx.files.e2eOld])
    expect(data.comparison).toMatchObject({ before: fx.files.e2eOld, after: fx.files.e2eNew })
  })

  it('rejects a bad --runs, a single file and an empty results directory', async () => {
    const runs = await box.run(['report', '--dir', fx.dir, '--runs', 'all'])
    expect(runs.code).toBe(2)
    expect(runs.stderr).toContain('--runs must be a whole number of runs, got "all"')
    const one = await box.run(['report', fx.files.e2eNew, '--dir', fx.dir])
    expect(one.code).toBe(2)
    expect(one.stderr).toContain('takes no files, or two to show side by side')
    const empty = await box.run(['report'])
    expect(empty.code).toBe(2)
    expect(empty.stderr).toMatch(/\.evals has no runs\. Run the evals first/)
  })
})
