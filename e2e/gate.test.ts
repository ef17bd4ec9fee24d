import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { runCli } from './support/cli.ts'
import { copyFixture, runVitest } from './support/run-vitest.ts'

const NO_GITHUB = { GITHUB_ACTIONS: undefined, GITHUB_STEP_SUMMARY: undefined }

test('gate: previous fails the run on a regression, lets a flaky case through', async () => {
  const dir = copyFixture('ci')
  const gated = (env: Record<string, string | undefined> = {}) =>
    runVitest(dir, ['--project', 'evals', '--config', 'vitest.gate.config.ts'], {
      env: { ...NO_GITHUB, ...env },
    })

  const first = await gated()
  expect(first.exitCode, first.stdout + first.stderr).toBe(0)
  expect(first.stdout).toContain('Gate: no earlier finalized e2e run to gate against; the gate passes.')

  // Two of five repeats fail: Vitest fails those tests, but 5/5 → 3/5 is not significant.
  const flaky = await gated({ FLAKY_FAILS: '2' })
  expect(flaky.stdout).toMatch(/×.*sometimes \(repeat 1\/5\)/)
  expect(flaky.stdout).toContain('Eval gate passed (e2e): no regressions (1 flaky) — vs previous run')
  expect(flaky.stdout).toMatch(/\(not gated\) \(1\):\n {2}repeats › sometimes: 5\/5 → 3\/5 \(p=0\.222\)/)
  expect(flaky.exitCode).toBe(0)

  // The same failures without a gate fail the run, as any failing test does.
  const ungated = await runVitest(dir, ['--project', 'evals'], { env: { ...NO_GITHUB, FLAKY_FAILS: '2' } })
  expect(ungated.exitCode).toBe(1)
  expect(ungated.stdout).not.toContain('Eval gate')

  const evalFile = join(dir, 'evals', 'capitals.eval.ts')
  writeFileSync(evalFile, readFileSync(evalFile, 'utf8').replace("Japan: 'Tokyo'", "Japan: 'tokyo'"))
  const broken = await gated()
  expect(broken.exitCode).toBe(1)
  expect(broken.stdout).toContain('Eval gate failed (e2e): 1 case regressed — vs previous run')
  expect(broken.stdout).toMatch(/Regressed \(1\):\n {2}capitals › Japan: 1\/1 → 0\/1/)
})

test('gate: EVALBOX_GATE names a baseline; missing fails with the fix, a blessed one gates', async () => {
  const dir = copyFixture('ci')
  const run = () =>
    runVitest(dir, ['--project', 'evals'], {
      env: { ...NO_GITHUB, EVALBOX_GATE: 'evals/baseline-{tier}.json' },
    })

  const missing = await run()
  expect(missing.exitCode).toBe(1)
  expect(missing.stdout).toContain(
    `Gate: could not gate the e2e run: No baseline at ${join(dir, 'evals', 'baseline-e2e.json')}.`,
  )
  expect(missing.stdout).toContain('evalbox baseline bless')

  const bless = await runCli(dir, ['baseline', 'bless', '--out', 'evals/baseline-{tier}.json'])
  expect(bless.exitCode, bless.stderr).toBe(0)

  const passing = await run()
  expect(passing.exitCode).toBe(0)
  expect(passing.stdout).toContain(
    'Eval gate passed (e2e): no regressions — vs baseline evals/baseline-e2e.json',
  )

  // A passing gate speaks for the evals it judged, not for a file that failed to load.
  writeFileSync(join(dir, 'evals', 'broken.eval.ts'), "throw new Error('cannot load')\n")
  const broken = await run()
  expect(broken.stdout).toContain('Eval gate passed (e2e)')
  expect(broken.stdout + broken.stderr).toContain('cannot load')
  expect(broken.exitCode).toBe(1)
})
