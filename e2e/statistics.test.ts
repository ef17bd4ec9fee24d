import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import type { RunFile } from '../src/store/schema.ts'
import { runCli } from './support/cli.ts'
import { copyFixture, readJson, resultFiles, runVitest } from './support/run-vitest.ts'

// Issue 12, "statistics beside the Fisher gate": a run with repeats carries pass@k, pass^k,
// Wilson intervals and a bootstrap interval for the mean score, in the run file, the
// terminal summary and the job summary. The fixture: `sometimes` scores 1, 0.8, 0.2, 1, 0
// over its five repeats (3 pass), `always` scores 1 five times.
//
// Reference values, computed with Python 3 (math.comb, statistics.NormalDist, numpy):
//   Wilson 95%: 8/10 → 0.4902–0.9433; 3/5 → 0.2307–0.8824; 5/5 → 0.5655–1.
//   pass@k(5,3,k) = 1 - comb(2,k)/comb(5,k): 0.6, 0.9, 1, 1, 1; pass^k = comb(3,k)/comb(5,k): 0.6, 0.3, 0.1, 0, 0.
//   Bootstrap (mulberry32 seed 1, 2000 resamples of the sorted scores, percentile):
//   [1,0.8,0.2,1,0] → 0.24–0.96; the run's ten scores → 0.58–1.
describe('a run with repeated cases', () => {
  let out = ''
  let exitCode: number | null = null
  let file: RunFile
  let summary = ''
  let dir = ''

  beforeAll(async () => {
    dir = copyFixture('statistics')
    const summaryFile = join(dir, 'step-summary.md')
    writeFileSync(summaryFile, '')
    const env = { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summaryFile, GITHUB_WORKSPACE: dir }
    const run = await runVitest(dir, ['--project', 'evals'], { env })
    out = run.stdout + run.stderr
    exitCode = run.exitCode
    file = readJson<RunFile>(resultFiles(join(dir, '.evals')).at(-1)!)
    summary = readFileSync(summaryFile, 'utf8')
  })

  test('the run file has the stats, per repeated case and for the run', () => {
    expect(exitCode, out).toBe(1)
    expect(file.passed).toBe(8)
    expect(file.stats).toEqual({
      confidence: 0.95,
      bootstrap: { resamples: 2000, seed: 1 },
      pass_rate: { passed: 8, total: 10, rate: 0.8, low: 0.4902, high: 0.9433 },
      score: { n: 10, mean: 0.8, low: 0.58, high: 1 },
      pass_at_k: { 1: 0.8, 2: 0.95, 3: 1, 4: 1, 5: 1 },
      pass_hat_k: { 1: 0.8, 2: 0.65, 3: 0.55, 4: 0.5, 5: 0.5 },
      cases: expect.any(Array),
    })
    const byName = Object.fromEntries(file.stats!.cases!.map((c) => [c.case_name, c]))
    expect(byName.sometimes).toEqual({
      case_name: 'sometimes',
      suite: 'statistics',
      file: 'evals/statistics.eval.ts',
      pass_rate: { passed: 3, total: 5, rate: 0.6, low: 0.2307, high: 0.8824 },
      pass_at_k: { 1: 0.6, 2: 0.9, 3: 1, 4: 1, 5: 1 },
      pass_hat_k: { 1: 0.6, 2: 0.3, 3: 0.1, 4: 0, 5: 0 },
      score: { n: 5, mean: 0.6, low: 0.24, high: 0.96 },
    })
    expect(byName.always?.pass_rate).toEqual({ passed: 5, total: 5, rate: 1, low: 0.5655, high: 1 })
    expect(byName.always?.pass_hat_k).toEqual({ 1: 1, 2: 1, 3: 1, 4: 1, 5: 1 })
  })

  test('the terminal summary shows them in a few lines, least reliable case first', () => {
    const stats =
      '  Stats: pass rate 80% (95% CI 49–94%), mean score 0.80 (95% CI 0.58–1.00), pass@3 1.00, pass^3 0.55 (mean of 2 repeated cases)\n' +
      '    sometimes: 3/5 passed, 60% (95% CI 23–88%), pass@3 1.00, pass^3 0.10, score 0.60 (95% CI 0.24–0.96)\n' +
      '    always: 5/5 passed, 100% (95% CI 57–100%), pass@3 1.00, pass^3 1.00, score 1.00 (95% CI 1.00–1.00)'
    expect(out).toContain(stats)
  })

  test('the step summary has a statistics section with a row per repeated case', () => {
    expect(summary).toContain(
      '### e2e: statistics\n\npass rate 80% (95% CI 49–94%), mean score 0.80 (95% CI 0.58–1.00), pass@3 1.00, pass^3 0.55 (mean of 2 repeated cases).',
    )
    expect(summary).toContain(
      '| sometimes | 3/5 passed, 60% (95% CI 23–88%), pass@3 1.00, pass^3 0.10, score 0.60 (95% CI 0.24–0.96) |',
    )
    expect(summary).toContain('percentile bootstrap for mean scores (2000 resamples, seed 1)')
  })

  test('the HTML report shows the run stats, and on each repeat its case over all repeats', async () => {
    const report = await runCli(dir, ['report', '--out', 'report.html'])
    expect(report.exitCode, report.stderr).toBe(0)
    const html = readFileSync(join(dir, 'report.html'), 'utf8')
    expect(html).toContain(
      '"statsText":"pass rate 80% (95% CI 49–94%), mean score 0.80 (95% CI 0.58–1.00), pass@3 1.00, pass^3 0.55 (mean of 2 repeated cases)"',
    )
    const caseStats = html.match(
      /"statsText":"3\/5 passed, 60% \(95% CI 23–88%\), pass@3 1\.00, pass\^3 0\.10/g,
    )
    expect(caseStats).toHaveLength(5)
  })
})
