import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import type { RunFile } from '../src/store/schema.ts'
import { copyFixture, readJson, resultFiles, runVitest } from './support/run-vitest.ts'

const nowhere = 'unix:///tmp/evalbox-no-engine-here.sock'

describe('choice of provider when no Docker engine answers', () => {
  test("sandbox 'auto' falls back to local with one notice per run, naming what was tried", async () => {
    const dir = copyFixture('auto')
    const run = await runVitest(dir, ['--project', 'evals'], {
      env: { EVALBOX_SANDBOX: undefined, DOCKER_HOST: nowhere },
    })
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    const notices = run.stdout
      .split('\n')
      .filter((line) => line.includes("sandbox 'auto' uses the local sandbox"))
    expect(notices).toHaveLength(1)
    expect(notices[0]).toContain(`Docker engine not reachable at ${nowhere} (ENOENT)`)
    const result = readJson<RunFile>(resultFiles(join(dir, '.evals'))[0]!)
    expect(result.tests.map((test) => test.sandbox?.provider)).toEqual(['local', 'local', 'local'])
  })

  test('EVALBOX_SANDBOX=docker fails the run clearly instead', async () => {
    const dir = copyFixture('auto')
    const run = await runVitest(dir, ['--project', 'evals'], {
      env: { EVALBOX_SANDBOX: 'docker', DOCKER_HOST: nowhere },
    })
    expect(run.exitCode).not.toBe(0)
    const text = run.stdout + run.stderr
    expect(text).toContain(`EVALBOX_SANDBOX=docker, but: Docker engine not reachable at ${nowhere} (ENOENT)`)
    expect(text).toContain('Start dockerd or set DOCKER_HOST')
    expect(resultFiles(join(dir, '.evals'))).toEqual([])
  })
})
