import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import type { RunFile, TestEntry } from '../src/store/schema.ts'
import { copyFixture, readJson, resultFiles, runVitest } from './support/run-vitest.ts'

test('authoring features show up honestly in the result files', async () => {
  const dir = copyFixture('features')
  const results = join(dir, '.evals')
  const run = await runVitest(dir, ['--project', 'evals'])
  const files = resultFiles(results)
  expect(files.map((file) => file.split('/').at(-1))).toEqual([
    expect.stringMatching(/^2\.0\.0-feature-x-e2e-\d{8}-\d{6}\.json$/),
    expect.stringMatching(/^2\.0\.0-feature-x-llm-judge-\d{8}-\d{6}\.json$/),
  ])
  const [e2e, judge] = files.map((file) => readJson<RunFile>(file))
  const byName = new Map(e2e!.tests.map((entry) => [entry.name, entry] as [string, TestEntry]))

  // The only failure is the unscored grader; the run fails because of it.
  expect(run.exitCode).toBe(1)
  expect(e2e).toMatchObject({ total_tests: 9, passed: 8, failed: 1, skipped: 4 })
  expect(e2e!.not_run!.map((entry) => [entry.name, entry.status, entry.reason]).sort()).toEqual([
    ['skipped on purpose', 'skipped', undefined],
    ['skipped with a reason', 'skipped', 'no API key in this environment'],
    ['skips itself at run time', 'skipped', 'decided while running'],
    ['written later', 'todo', undefined],
  ])
  expect(byName.get('row with a workspace')).toMatchObject({ passed: true, output: 'hello from the fixture' })

  expect(byName.get('body drives the case')).toMatchObject({
    passed: true,
    cost_usd: 0.25,
    turns_used: 3,
    metrics: { cost_usd: 0.25, turns_used: 3, custom_score: 7 },
    metadata: { owner: 'qa' },
    output: 'echo: ping',
    file: 'evals/features.eval.ts',
  })
  expect(byName.get('passes on the second attempt')).toMatchObject({ passed: true, attempts: 2, flaky: true })

  const unscored = byName.get('a grader that throws is unscored')!
  expect(unscored.passed).toBe(false)
  expect(unscored.grades).toEqual([
    expect.objectContaining({ name: 'contains("fine")', pass: true, score: 1 }),
    expect.objectContaining({
      name: 'flaky judge',
      pass: false,
      score: null,
      explanation: 'could not grade: judge unreachable',
    }),
  ])
  expect(unscored.error).toBe(
    'Eval "a grader that throws is unscored" failed: flaky judge (unscored): could not grade: judge unreachable',
  )
  expect(run.stdout + run.stderr).toContain('flaky judge (unscored): could not grade: judge unreachable')

  expect(judge!.tests).toEqual([
    expect.objectContaining({
      name: 'threshold lets partial credit pass',
      passed: true,
      score: 0.5,
      threshold: 0.5,
    }),
  ])

  const repeats = e2e!.tests.filter((entry) => entry.case_name === 'row')
  expect(repeats.map((entry) => [entry.name, entry.repeat, entry.repeats])).toEqual([
    ['row (repeat 1/3)', 1, 3],
    ['row (repeat 2/3)', 2, 3],
    ['row (repeat 3/3)', 3, 3],
  ])

  const fromNothing = byName.get('harvests what an agent makes from an empty workdir')!
  expect(fromNothing.harvest).toMatchObject({ filesChanged: 1, files: ['notes/new.txt'], isDuplicate: false })
  expect(readFileSync(join(results, fromNothing.harvest!.patchPath), 'utf8')).toContain('+made by the agent')

  const sandboxed = byName.get('works in a sandbox and keeps its outputs')!
  expect(sandboxed).toMatchObject({
    passed: true,
    output: 'hello from the fixture',
    sandbox: { provider: 'local' },
  })
  expect(sandboxed.run_dir).toMatch(/^runs\/.+\/.+/)
  expect(readFileSync(join(results, sandboxed.artifacts!.output!, 'report.txt'), 'utf8')).toBe(
    'report body\n',
  )
  expect(readFileSync(join(results, sandboxed.artifacts!.log!), 'utf8')).toBe('reading notes\n')
  expect(existsSync(join(results, sandboxed.artifacts!['grader-command-test-f-notes-txt']!))).toBe(true)
})
