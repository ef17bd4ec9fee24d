import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { runCli } from './support/cli.ts'
import { copyFixture, runVitest } from './support/run-vitest.ts'

// Issue 12: the comparison and the gate classify each case the same way, and say so.
const run = (dir: string, env: Record<string, string | undefined>) =>
  runVitest(dir, ['--project', 'evals'], {
    env: { GITHUB_ACTIONS: undefined, GITHUB_STEP_SUMMARY: undefined, EVALBOX_GATE: 'previous', ...env },
  })

/** The comparison's text (before the gate's verdict) and the gate's. */
function split(stdout: string): { comparison: string; gate: string } {
  const at = stdout.indexOf('Eval gate ')
  expect(at, stdout).toBeGreaterThan(0)
  return { comparison: stdout.slice(0, at), gate: stdout.slice(at) }
}

test('finding 1: a regression that still fails on the next run keeps the gate red and is listed as still failing', async () => {
  const dir = copyFixture('truthful-gate')
  const first = await run(dir, {})
  expect(first.exitCode, first.stdout + first.stderr).toBe(0)

  const second = await run(dir, { BREAK: '1' })
  expect(second.exitCode, second.stdout).toBe(1)
  expect(second.stdout).toContain('Eval gate failed (e2e): 1 case regressed — vs previous run')

  const third = await run(dir, { BREAK: '1' })
  const { comparison, gate } = split(third.stdout)
  expect(third.exitCode, third.stdout).not.toBe(0)
  expect(comparison).toMatch(/Still failing \(1\):\n\s+checkout\s+FAIL → FAIL/)
  expect(comparison).toMatch(/Still failing: "checkout" failed in the earlier run too/)
  expect(comparison).toMatch(/Status: 1 still failing, 2 unchanged/)
  expect(comparison).toContain('over the 3 cases in both runs')
  expect(comparison).not.toContain('no regressions')
  expect(gate).toContain('Eval gate failed (e2e): 1 case still failing — vs previous run')
  expect(gate).toMatch(/Still failing \(1\):\n {2}shop › checkout: 0\/1 → 0\/1/)
})

test('finding 3: repeats are judged once, by Fisher, with the same word and figures in the comparison and the gate', async () => {
  const dir = copyFixture('truthful-gate')
  const first = await run(dir, {})
  expect(first.exitCode, first.stdout + first.stderr).toBe(0)

  // Two of five repeats fail: 5/5 → 3/5 is not significant (p=0.222).
  const second = await run(dir, { FLAKY_FAILS: '2' })
  const { comparison, gate } = split(second.stdout)
  expect(comparison).not.toContain('REGRESSION')
  expect(comparison).not.toMatch(/Regressed \(/)
  expect(comparison).toMatch(/Flaky \(1\):\n\s+sometimes\s+5\/5 → 3\/5 \(p=0\.222\)/)
  expect(comparison).toContain('Flaky: "sometimes" 5/5 → 3/5 (p=0.222)')
  expect(comparison).toMatch(/Status: 1 flaky, 2 unchanged/)
  expect(gate).toContain('Eval gate passed (e2e): no regressions (1 flaky) — vs previous run')
  expect(gate).toMatch(/\(not gated\) \(1\):\n {2}repeats › sometimes: 5\/5 → 3\/5 \(p=0\.222\)/)
  expect(second.exitCode, second.stdout).toBe(0)
})

test('finding 6 (comparison half): a case that ran in another sandbox than before is flagged in the text, the step summary, JUnit and the JSON', async () => {
  const dir = copyFixture('truthful-gate/sandbox')
  const summaryFile = join(dir, 'step-summary.md')
  writeFileSync(summaryFile, '')
  const first = await runVitest(dir, ['--project', 'evals'], {
    env: { GITHUB_ACTIONS: undefined, GITHUB_STEP_SUMMARY: undefined, EVALBOX_SANDBOX: 'docker', BREAK: '1' },
  })
  expect(first.exitCode, first.stdout + first.stderr).toBe(1)

  const second = await runVitest(dir, ['--project', 'evals'], {
    env: {
      GITHUB_ACTIONS: 'true',
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_WORKSPACE: dir,
      EVALBOX_SANDBOX: 'local',
      EVALBOX_JUNIT: 'junit.xml',
    },
  })
  expect(second.exitCode, second.stdout + second.stderr).toBe(0)
  expect(second.stdout).toMatch(/Fixed \(1\):\n\s+moved\s+FAIL → PASS\s+↑.*sandbox changed: docker → local/)
  expect(second.stdout).toContain('Fixed: "moved" now passes (sandbox changed: docker → local).')
  expect(readFileSync(summaryFile, 'utf8')).toMatch(
    /\| ↑ fixed ⚠️ sandbox changed: docker → local \| moved \|/,
  )

  expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toContain(
    '<property name="sandbox_change" value="docker → local"/>',
  )

  const json = await runCli(dir, ['compare', '--json'])
  expect(json.exitCode, json.stderr).toBe(0)
  const comparison = JSON.parse(json.stdout)
  expect(comparison.sandbox_changes).toBe(1)
  expect(comparison.deltas[0]).toMatchObject({
    status: 'fixed',
    sandbox_change: { before: 'docker', after: 'local' },
  })
})
