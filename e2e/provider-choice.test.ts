import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import type { RunFile } from '../src/store/schema.ts'
import { copyFixture, readJson, resultFiles, runVitest } from './support/run-vitest.ts'

const nowhere = 'unix:///tmp/evalbox-no-engine-here.sock'

describe('choice of provider when no Docker engine answers', () => {
  test("sandbox 'auto' does not fall back to the host for an eval naming an image: its cases fail, naming what was tried", async () => {
    const dir = copyFixture('auto')
    const run = await runVitest(dir, ['--project', 'evals'], {
      env: { EVALBOX_SANDBOX: undefined, DOCKER_HOST: nowhere },
    })
    expect(run.exitCode).not.toBe(0)
    const result = readJson<RunFile>(resultFiles(join(dir, '.evals'))[0]!)
    expect(result.tests.map((test) => [test.passed, test.exit_reason, test.sandbox?.provider])).toEqual([
      [false, 'sandbox_error', undefined],
      [false, 'sandbox_error', undefined],
      [false, 'sandbox_error', undefined],
    ])
    for (const test of result.tests) {
      expect(test.error).toContain(`no Docker engine answered at DOCKER_HOST=${nowhere}`)
      expect(test.error).toContain(`Docker engine not reachable at ${nowhere} (ENOENT)`)
    }
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
