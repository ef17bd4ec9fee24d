import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { describe, expect, test } from 'vitest'
import { repoRoot } from './support/paths.ts'
import { copyFixture, readJson, resultFiles, runVitest } from './support/run-vitest.ts'

const schema = readJson(join(repoRoot, 'docs', 'result-format.schema.json'))
const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema)

/** Every field the seed-002 format names, at run level and per test. */
const SEED_RUN_FIELDS = [
  'schema_version',
  'version',
  'branch',
  'git_sha',
  'timestamp',
  'hostname',
  'tier',
  'total_tests',
  'passed',
  'failed',
  'total_cost_usd',
  'total_duration_ms',
  'wall_clock_ms',
  'tests',
]
const SEED_TEST_FIELDS = ['name', 'suite', 'tier', 'passed', 'duration_ms', 'cost_usd']

describe('the core eval loop on a fixture project', () => {
  test('two runs write two files; the second compares as unchanged; a broken eval is a regression', async () => {
    const dir = copyFixture('basic')
    const results = join(dir, '.evals')

    const first = await runVitest(dir, ['--project', 'evals'])
    expect(first.exitCode, first.stdout + first.stderr).toBe(0)
    expect(first.stdout).toContain('Eval results — v1.2.3 @ main')
    expect(first.stdout).toMatch(/Total: 4\/4 passed/)
    expect(first.stdout).toContain('First run of tier "e2e" here: nothing to compare with yet.')
    expect(resultFiles(results)).toHaveLength(1)

    const second = await runVitest(dir, ['--project', 'evals'])
    expect(second.exitCode).toBe(0)
    const files = resultFiles(results)
    expect(files).toHaveLength(2)
    expect(files[0]).toMatch(/1\.2\.3-main-e2e-\d{8}-\d{6}(-\d+)?\.json$/)
    expect(second.stdout).toContain('Unchanged (4)')
    for (const name of ['France', 'Japan', 'Peru', 'greets']) {
      expect(second.stdout).toMatch(new RegExp(`${name}\\s+PASS → PASS\\s+=`))
    }
    expect(second.stdout).toContain('Status: 4 unchanged')

    for (const file of files) {
      const run = readJson(file)
      expect(validate(run), JSON.stringify(validate.errors)).toBe(true)
      for (const field of SEED_RUN_FIELDS) expect(run).toHaveProperty(field)
      expect(run._partial).toBeUndefined()
      for (const entry of run.tests as Record<string, unknown>[]) {
        for (const field of SEED_TEST_FIELDS) expect(entry).toHaveProperty(field)
      }
    }

    const evalFile = join(dir, 'evals', 'capitals.eval.ts')
    writeFileSync(evalFile, readFileSync(evalFile, 'utf8').replace("Japan: 'Tokyo'", "Japan: 'tokyo'"))
    const third = await runVitest(dir, ['--project', 'evals'])
    expect(third.exitCode).toBe(1)
    expect(third.stdout).toMatch(/Regressed \(1\):\n\s+Japan\s+PASS → FAIL\s+↓/)
    expect(third.stdout).toMatch(/REGRESSION: "Japan" was passing, now fails — matches\(.*\): no match/)
    expect(third.stdout).toMatch(/Status: 1 regressed, 3 unchanged/)
    const latest = readJson(resultFiles(results).at(-1)!)
    const japan = (latest.tests as Record<string, unknown>[]).find((entry) => entry.name === 'Japan')!
    expect(japan).toMatchObject({ passed: false, status: 'failed', suite: 'capitals' })
    expect(japan.error).toContain('no match for /capital of \\w+ is [A-Z]/')
  })
})
