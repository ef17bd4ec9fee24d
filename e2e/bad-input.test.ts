import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { copyFixture, readJson, resultFiles, runVitest } from './support/run-vitest.ts'

describe('bad input in and around the results directory', () => {
  test('unparseable, foreign and too-new files are skipped with one warning each; comparison still works', async () => {
    const dir = copyFixture('basic')
    const results = join(dir, '.evals')
    const first = await runVitest(dir, ['--project', 'evals'])
    expect(first.exitCode).toBe(0)
    const [good] = resultFiles(results)
    writeFileSync(join(results, 'garbage.json'), '{ this is not json')
    writeFileSync(join(results, 'foreign.json'), JSON.stringify({ name: 'some other tool', tests: 3 }))
    writeFileSync(
      join(results, '9.9.9-main-e2e-20990101-000000.json'),
      JSON.stringify({ ...readJson(good!), schema_version: 99, timestamp: '2099-01-01T00:00:00.000Z' }),
    )

    const second = await runVitest(dir, ['--project', 'evals'])
    expect(second.exitCode, second.stdout + second.stderr).toBe(0)
    const warnings = second.stdout
      .split('\n')
      .filter((line) => line.includes('Skipped a file in the results directory'))
    expect(warnings).toHaveLength(3)
    expect(warnings.filter((line) => line.includes('garbage.json'))).toHaveLength(1)
    expect(warnings.filter((line) => line.includes('foreign.json'))).toHaveLength(1)
    expect(warnings.filter((line) => line.includes('9.9.9-main-e2e'))).toHaveLength(1)
    expect(second.stdout).toContain('Status: 4 unchanged')
  })

  test('an unwritable results dir: the run stops before any case, naming the dir and the cause', async () => {
    const dir = copyFixture('basic')
    const blocker = join(dir, 'not-a-dir')
    writeFileSync(blocker, 'a file where the results dir should be')
    const run = await runVitest(dir, ['--project', 'evals'], {
      env: { EVALBOX_DIR: join(blocker, 'results') },
    })
    expect(run.exitCode).toBe(1)
    const text = run.stdout + run.stderr
    expect(text).toContain(
      `Cannot write eval results to ${join(blocker, 'results')}: a part of the path is a file, not a folder (ENOTDIR). No case was run.`,
    )
    expect(text).toContain('EVALBOX_DIR')
    expect(text).not.toMatch(/Total: /)
  })

  test('an invalid eval option fails the file with the eval, field and value named', async () => {
    const dir = copyFixture('basic')
    mkdirSync(join(dir, 'evals'), { recursive: true })
    writeFileSync(
      join(dir, 'evals', 'bad.eval.ts'),
      "import { evalTest } from 'evalbox'\nevalTest('too eager', { task: () => 'x', repeats: 0 })\n",
    )
    const run = await runVitest(dir, ['--project', 'evals'])
    expect(run.exitCode).toBe(1)
    expect(run.stdout + run.stderr).toMatch(/evalTest\("too eager"\): `repeats` .*got `0` \(number\)/)
  })

  test('a misspelled project option fails the Vitest run with a did-you-mean, before any case', async () => {
    const dir = copyFixture('basic')
    writeFileSync(
      join(dir, 'vitest.config.ts'),
      "import { evalsProject } from 'evalbox/vitest'\nimport { defineConfig } from 'vitest/config'\n" +
        "export default defineConfig({ test: { projects: [evalsProject({ sandbox: { imgae: 'x' } })] } })\n",
    )
    const run = await runVitest(dir, ['--project', 'evals'])
    expect(run.exitCode).toBe(1)
    const text = run.stdout + run.stderr
    expect(text).toContain(
      'evalsProject(): unknown option `sandbox.imgae`, given `"x"` (string): did you mean `image`? Fix the options in the Vitest config.',
    )
    expect(text).not.toMatch(/Total: /)
    expect(resultFiles(join(dir, '.evals'))).toEqual([])
  })
})
