import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import type { RunFile, TestEntry } from '../src/store/schema.ts'
import { copyFixture, readJson, resultFiles, runVitest } from './support/run-vitest.ts'

// Issue 12, findings 4 and 5: failure headlines lead with the root cause, and a budget stop
// never shows as a plain PASS — in the summary table, the JUnit file and the job summary.
describe('one run of the headlines fixture', () => {
  let out = ''
  let stdout = ''
  let exitCode: number | null = null
  let file: RunFile
  let junit = ''
  let summary = ''
  const entry = (name: string) => file.tests.find((t) => t.name === name) as TestEntry
  const failureOf = (name: string) =>
    new RegExp(`<testcase name="${name}"[\\s\\S]*?<failure message="([^"]*)"`).exec(junit)?.[1]

  beforeAll(async () => {
    const dir = copyFixture('headlines')
    const summaryFile = join(dir, 'step-summary.md')
    writeFileSync(summaryFile, '')
    const env = {
      GITHUB_ACTIONS: 'true',
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_WORKSPACE: dir,
      EVALBOX_JUNIT: 'junit.xml',
    }
    const run = await runVitest(dir, ['--project', 'evals'], { env })
    out = run.stdout + run.stderr
    stdout = run.stdout
    exitCode = run.exitCode
    file = readJson<RunFile>(resultFiles(join(dir, '.evals')).at(-1)!)
    junit = readFileSync(join(dir, 'junit.xml'), 'utf8')
    summary = readFileSync(summaryFile, 'utf8')
  })

  test('finding 4: a missing agent command and a timeout lead, not "unit tests exited with 1"', () => {
    expect(exitCode, out).toBe(1)
    expect(entry('agent command missing').headline).toMatch(
      /^agent command not found: no-such-agent-cli \(exit 127\) — unit tests: 8 failing: /,
    )
    expect(entry('agent too slow').headline).toMatch(/^agent timed out after 1\.5s — unit tests: 8 failing: /)
    for (const [name, lead] of [
      ['agent command missing', 'agent command not found: no-such-agent-cli'],
      ['agent too slow', 'agent timed out after 1.5s'],
    ] as const) {
      expect(out).toContain(`✗ ${name}: ${lead}`)
      expect(failureOf(name)?.startsWith(lead)).toBe(true)
      expect(summary).toContain(`**${name}** — ${lead}`)
    }
    // Many failing tests: their names stay whole, then "and N more".
    const eight = /8 failing: (add keeps the sum of \d and \d exact, case number \d(, )?){5} and 3 more/
    expect(entry('agent breaks nothing but fixes nothing').headline).toMatch(eight)
    expect(out).toMatch(new RegExp(`✗ agent breaks nothing but fixes nothing: unit tests: ${eight.source}`))
  })

  test('finding 5: past maxTurns 2, the turn-3 fix does not earn a pass, and the stop is tagged', () => {
    // Its turn-3 fix made the tests pass (score 1), but the case fails with the budget as its cause.
    const budget = entry('agent past its turn budget')
    expect(budget).toMatchObject({ passed: false, exit_reason: 'error_max_turns', score: 1 })
    expect(budget.headline).toMatch(
      /^budget stop \(maxTurns\): stopped at turn \d: the agent went past maxTurns \(2\)/,
    )
    expect(out).toMatch(/agent past its turn budget {2,}FAIL .*\[budget stop: maxTurns\]/)
    expect(failureOf('agent past its turn budget')).toMatch(/^budget stop \(maxTurns\)/)
    expect(junit).toMatch(
      /<testcase name="agent past its turn budget"[\s\S]*?name="budget_stop" value="budget stop: maxTurns"/,
    )
    expect(summary).toContain(
      '**agent past its turn budget** `budget stop: maxTurns` — budget stop (maxTurns)',
    )
    // Graded anyway (budgetStop: 'grade'): it may pass, never as a plain PASS.
    expect(entry('agent past its turn budget, graded anyway')).toMatchObject({
      passed: true,
      exit_reason: 'error_max_turns',
    })
    expect(out).toMatch(/agent past its turn budget, graded anyway +PASS .*\[budget stop: maxTurns\]/)
    expect(junit).toMatch(
      /<testcase name="agent past its turn budget, graded anyway"[\s\S]*?name="budget_stop" value="budget stop: maxTurns"/,
    )
    expect(summary).toContain('**agent past its turn budget, graded anyway** `budget stop: maxTurns`')
    expect(stdout).toMatch(/^::warning .*title=Budget stop%3A .*agent past its turn budget%2C graded anyway/m)
  })
})

test('finding 4: a regression takeaway keeps the failing test names whole', async () => {
  const dir = copyFixture('headlines')
  const evalFile = join(dir, 'evals', 'headlines.eval.ts')
  const source = readFileSync(evalFile, 'utf8')
  // First run: the "fixes nothing" agent fixes the bug, so the case passes; then it stops.
  writeFileSync(evalFile, source.replace("'echo looked around'", '"sed -i \'s/ + 1//\' calc.js"'))
  await runVitest(dir, ['--project', 'evals', '-t', 'fixes nothing'])
  writeFileSync(evalFile, source)
  const second = await runVitest(dir, ['--project', 'evals', '-t', 'fixes nothing'])
  expect(second.stdout).toMatch(
    /REGRESSION: "agent breaks nothing but fixes nothing" was passing, now fails — unit tests: 8 failing: (add keeps the sum of \d and \d exact, case number \d(, )?){5} and 3 more\./,
  )
})
