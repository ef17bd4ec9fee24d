import { readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { expect, test } from 'vitest'
import type { ReportModel } from '../src/render/html/types.ts'
import type { RunFile } from '../src/store/schema.ts'
import { runCli } from './support/cli.ts'
import { copyFixture, readJson, resultFiles, runVitest } from './support/run-vitest.ts'

// Issue 12, finding 2: a filtered run must not become "the previous run" of the cases it did
// not run, must not call the rest of the suite removed, and must not count in the trend.
test('filtered runs: each case is compared with its last run, and filtered runs stay out of the trend', async () => {
  const dir = copyFixture('filtered-runs')
  const run = async (args: string[], env: Record<string, string> = {}) => {
    const result = await runVitest(dir, ['--project', 'evals', ...args], {
      env: { EVALBOX_DIR: 'results', ...env },
    })
    expect(result.exitCode, result.stdout + result.stderr).not.toBeNull()
    return result
  }
  const newestFile = () => resultFiles(join(dir, 'results')).at(-1)!

  // 1. A full run where France fails.
  await run([], { FAIL_CASE: 'France' })
  const first = newestFile()
  // 2. Only Japan and Peru (-t): the file says so, and the output labels it.
  const filtered = await run(['-t', 'Japan|Peru'])
  const second = newestFile()
  expect(readJson<RunFile>(second).filter).toEqual({ test_name_pattern: 'Japan|Peru' })
  expect(filtered.stdout).toContain("filtered run: -t 'Japan|Peru' — 2 of 8 cases")
  expect(filtered.stdout).not.toContain('Removed')

  // 3. A full run: France is compared with run 1 (fixed), Japan and Peru with run 2; none is "added".
  const full = await run([])
  const third = newestFile()
  expect(full.stdout).not.toContain('filtered run')
  expect(full.stdout).toContain(
    `compared with the last run of each case (2 runs: ${basename(second)} 2 cases (filtered), ${basename(first)} 6 cases)`,
  )
  expect(full.stdout).toMatch(/Fixed \(1\):\s+France/)
  expect(full.stdout).not.toMatch(/Added|Removed/)
  expect(full.stdout).toContain('Status: 1 fixed, 7 unchanged')

  const compare = await runCli(dir, ['compare', '--dir', 'results', '--json'])
  expect(compare.exitCode, compare.stderr).toBe(0)
  const json = JSON.parse(compare.stdout) as {
    counts: { added: number }
    baseline: { cases: Record<string, string> }
  }
  expect(json.counts.added).toBe(0)
  expect(json.baseline.cases['capitals › France']).toBe(basename(first))
  expect(json.baseline.cases['capitals › Japan']).toBe(basename(second))
  expect(json.baseline.cases['sums › one plus two']).toBe(basename(first))

  // 4. Only the sums file: the capitals are not "removed".
  const byFile = await run(['sums'])
  const fourth = newestFile()
  expect(readJson<RunFile>(fourth).filter).toEqual({ files: ['sums'] })
  expect(byFile.stdout).toContain('filtered run: files sums — 3 of 8 cases')
  expect(byFile.stdout).not.toMatch(/Removed|Added/)
  expect(byFile.stdout).toContain('Status: 3 unchanged')

  // 5. A full run without Peru: a case really gone from a full run is still "removed".
  const dropped = await run([], { DROP_CASE: 'Peru' })
  expect(dropped.stdout).toMatch(/Removed \(1\):\s+Peru/)
  expect(dropped.stdout).toContain('Status: 7 unchanged, 1 removed')

  // The HTML trend counts the full runs only.
  const report = await runCli(dir, ['report', '--dir', 'results', '--out', 'report.html'])
  expect(report.exitCode, report.stderr).toBe(0)
  const html = readFileSync(join(dir, 'report.html'), 'utf8')
  const block = /<script type="application\/json" id="evalbox-report-data">(.*?)<\/script>/s.exec(html)
  const model = JSON.parse(block![1]!) as ReportModel
  const fifth = newestFile()
  for (const chart of model.charts) {
    expect(chart.series.flatMap((s) => s.points.map((p) => p.run))).toEqual(
      [first, third, fifth].map((file) => basename(file)),
    )
    expect(chart.title).toContain('(full runs only: 2 filtered left out)')
  }
  expect(model.data.runs.find((r) => r.file === basename(second))?.filter).toBe("-t 'Japan|Peru'")
})
