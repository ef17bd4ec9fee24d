import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { findAll, parseStrictXml } from '../src/render/__fixtures__/strict-xml.ts'
import { copyFixture, runVitest } from './support/run-vitest.ts'

/** The 1-based line of the first line of `file` that contains `text`. */
function lineOf(file: string, text: string): number {
  return (
    readFileSync(file, 'utf8')
      .split('\n')
      .findIndex((line) => line.includes(text)) + 1
  )
}

test('on GitHub Actions: annotations at the eval, a job summary with deltas, JUnit, plain text', async () => {
  const dir = copyFixture('ci')
  const summaryFile = join(dir, 'step-summary.md')
  const env = {
    GITHUB_ACTIONS: 'true',
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: dir,
    EVALBOX_JUNIT: 'reports/evals.xml',
    // Colours on (CI is set), as in a real CI log: evalbox's text must stay plain anyway.
    NO_COLOR: undefined,
    FORCE_COLOR: undefined,
  }
  writeFileSync(summaryFile, '')

  const first = await runVitest(dir, ['--project', 'evals'], { env })
  expect(first.exitCode, first.stdout + first.stderr).toBe(0)
  expect(first.stdout).not.toMatch(/^::error file=evals\//m)
  expect(readFileSync(summaryFile, 'utf8')).toContain(
    '### e2e vs previous run\n\nNo earlier finalized e2e run to compare with.',
  )

  const evalFile = join(dir, 'evals', 'capitals.eval.ts')
  writeFileSync(evalFile, readFileSync(evalFile, 'utf8').replace("Japan: 'Tokyo'", "Japan: 'tokyo'"))
  const second = await runVitest(dir, ['--project', 'evals'], { env })
  expect(second.exitCode).toBe(1)

  // One error for the regressed case, at the describeEval that declares it, relative to the
  // workspace; the message says why it failed and that it passed before.
  const ours = second.stdout.split('\n').filter((line) => line.startsWith('::error file=evals/'))
  expect(ours).toHaveLength(1)
  const line = lineOf(evalFile, "describeEval('capitals'")
  expect(ours[0]).toContain(
    `::error file=evals/capitals.eval.ts,line=${line},title=Regressed%3A capitals › Japan::`,
  )
  expect(ours[0]).toContain('no match for /capital of \\w+ is [A-Z]/')
  expect(ours[0]).toContain('Passed in the previous run (main @')

  // The job summary of the second run: pass rate, then the comparison, regressions first.
  const summary = readFileSync(summaryFile, 'utf8')
  const latest = summary.slice(summary.lastIndexOf('## Eval results'))
  expect(latest).toMatch(/^\| e2e \| 10\/11 \| 90\.9% \| 1 \| 0 \| \$0\.00 \|/m)
  const rows = latest.split('\n').filter((row) => /^\| (↓|↑|unchanged)/.test(row))
  expect(rows[0]).toMatch(/^\| ↓ regressed \| Japan \| PASS \| FAIL \|/)
  expect(rows.slice(1).every((row) => row.startsWith('| unchanged |'))).toBe(true)
  // 11 tests, 7 cases: the five repeats of one case are one row, as the gate counts them.
  expect(latest).toContain('1 regressed, 6 unchanged')
  expect(latest).toMatch(/- REGRESSION: "Japan" was passing, now fails/)

  // JUnit with eval data as properties.
  const junit = parseStrictXml(readFileSync(join(dir, 'reports', 'evals.xml'), 'utf8'))
  const japan = findAll(junit, 'testcase').find((c) => c.attrs.name === 'Japan')!
  expect(japan.attrs).toMatchObject({
    classname: 'capitals',
    file: 'evals/capitals.eval.ts',
    line: String(line),
  })
  const props = Object.fromEntries(findAll(japan, 'property').map((p) => [p.attrs.name, p.attrs.value]))
  expect(props).toMatchObject({ score: '0', cost_usd: '0', exit_reason: 'success', tier: 'e2e' })
  expect(findAll(japan, 'failure')[0]!.attrs.message).toContain('no match')
  expect(findAll(junit, 'testcase')).toHaveLength(11)

  // Plain text in a log: no colour codes, no carriage returns, no progress line on stderr.
  expect(second.stdout).toContain('\u001b[')
  const evalbox = second.stdout.slice(second.stdout.indexOf('Eval results —'))
  expect(evalbox).toContain('Regressed (1):')
  expect(evalbox).not.toContain('\u001b')
  expect(evalbox).not.toContain('\r')
  expect(second.stderr).not.toContain('spent')
  expect(second.stderr).not.toContain('\r')
})
