import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import type { RunFile } from '../src/store/schema.ts'
import { runCli } from './support/cli.ts'
import { copyFixture, readJson, resultFiles, runVitest } from './support/run-vitest.ts'

const cases = (run: RunFile) =>
  run.tests
    .map(({ name, passed, suite, tier }) => ({ name, passed, suite, tier }))
    .sort((a, b) => `${a.suite}/${a.name}`.localeCompare(`${b.suite}/${b.name}`))

test('shards write one file each; merged, they equal the unsharded run and compare like it', async () => {
  const dir = copyFixture('ci')
  const env = (results: string) => ({ EVALBOX_DIR: results, GITHUB_ACTIONS: undefined })

  const whole = await runVitest(dir, ['--project', 'evals'], { env: env('whole') })
  expect(whole.exitCode, whole.stdout + whole.stderr).toBe(0)
  const [wholeFile] = resultFiles(join(dir, 'whole'))

  for (const shard of ['1/2', '2/2']) {
    const run = await runVitest(dir, ['--project', 'evals', `--shard=${shard}`], { env: env('shards') })
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    expect(run.stdout).toContain(`shard ${shard}: merge the shard files with \`evalbox merge\` to compare`)
    expect(run.stdout).not.toContain('vs previous:')
  }
  const shardFiles = resultFiles(join(dir, 'shards'))
  expect(shardFiles.map((f) => f.split('/').at(-1))).toEqual([
    expect.stringMatching(/^1\.2\.3-main-e2e-\d{8}-\d{6}-shard-1-of-2\.json$/),
    expect.stringMatching(/^1\.2\.3-main-e2e-\d{8}-\d{6}-shard-2-of-2\.json$/),
  ])
  const parts = shardFiles.map((f) => readJson<RunFile>(f))
  expect(parts.map((p) => p.shard)).toEqual(['1/2', '2/2'])
  expect(parts.every((p) => p.tests.length > 0)).toBe(true)

  mkdirSync(join(dir, 'merged'))
  const merge = await runCli(dir, ['merge', ...shardFiles, '--out', 'merged/run.json'])
  expect(merge.exitCode, merge.stderr).toBe(0)
  expect(merge.stdout).toContain('Merged 2 files (e2e: 11/11 passed)')
  const merged = readJson<RunFile>(join(dir, 'merged', 'run.json'))
  const unsharded = readJson<RunFile>(wholeFile!)
  expect(merged.shard).toBeUndefined()
  expect(merged.total_tests).toBe(unsharded.total_tests)
  expect(cases(merged)).toEqual(cases(unsharded))

  const compare = await runCli(dir, ['compare', wholeFile!, 'merged/run.json'])
  expect(compare.exitCode, compare.stderr).toBe(0)
  // 11 tests, 7 cases: the repeats of a case are one case, as the gate counts them.
  expect(compare.stdout).toContain('Status: 7 unchanged')
  expect(compare.stdout).not.toMatch(/Regressed|Added|Removed/)
})
