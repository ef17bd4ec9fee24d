import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { dockerAvailable, TEST_IMAGE } from './test-support.ts'
import { acquireDockerSandbox, drainPools } from './warm-pool.ts'

const docker = await dockerAvailable()
const run = `warm-pool-test-${process.pid}`
const labels = { 'evalbox.run': run, 'evalbox.case': 'a case' }

function runContainers(): string[] {
  return execFileSync('docker', ['ps', '-aq', '--filter', `label=evalbox.run=${run}`], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
}

async function eventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 50))
  expect(check()).toBe(true)
}

describe.skipIf(!docker.ok)('warm pool', () => {
  afterAll(async () => {
    await drainPools()
    execFileSync('sh', [
      '-c',
      `docker rm -f $(docker ps -aq --filter label=evalbox.run=${run}) 2>/dev/null || true`,
    ])
  })

  test('each case gets its own fresh container, with its workspace; the pool refills and drains', async () => {
    const fixture = mkdtempSync(join(tmpdir(), 'evalbox-pool-'))
    writeFileSync(join(fixture, 'task.txt'), 'fixture\n')
    const first = await acquireDockerSandbox({ image: TEST_IMAGE, labels, workspace: fixture }, 2)
    // In use: 1; ready for the next cases: 2.
    await eventually(() => runContainers().length === 3)
    await first.exec(['sh', '-c', 'echo dirty > task.txt; touch left-behind'])

    const second = await acquireDockerSandbox({ image: TEST_IMAGE, labels, workspace: fixture }, 2)
    expect(second.id).not.toBe(first.id)
    expect((await second.readFile('task.txt')).toString()).toBe('fixture\n')
    expect((await second.exec(['ls'])).stdout).not.toContain('left-behind')
    const info = JSON.parse(execFileSync('docker', ['inspect', second.id], { encoding: 'utf8' }))[0]
    expect(info.Config.Labels).toMatchObject({ 'evalbox.run': run })
    expect(info.Config.Labels['evalbox.case']).toBeUndefined()

    await first.dispose()
    await expect(first.exec(['true'])).rejects.toThrow(/disposed/)
    await second.dispose()
    await drainPools()
    await eventually(() => runContainers().length === 0)
  })

  test('a refill still waiting when the pools drain never makes its container', async () => {
    const sandbox = await acquireDockerSandbox({ image: TEST_IMAGE, labels }, 2)
    // The take scheduled a refill a moment later; the run ends before it comes.
    await sandbox.dispose()
    await drainPools()
    await new Promise((resolve) => setTimeout(resolve, 1000))
    expect(runContainers()).toEqual([])
  })
})
