import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { describeSandboxContract } from '../../testing/sandbox-contract.ts'
import { createDockerSandbox } from './docker-sandbox.ts'
import { getEngine } from './engine.ts'
import { canStartSecondEngine, type SecondEngine, startSecondEngine } from './second-engine.ts'
import { TEST_IMAGE } from './test-support.ts'

// This file talks to a second engine only: DOCKER_HOST is set before the first client is
// made (Vitest gives each test file its own module state, so the cached client is this one's).
const canRun = canStartSecondEngine(TEST_IMAGE, 'EVALBOX_REQUIRE_DOCKER')

describe.skipIf(!canRun)('DOCKER_HOST=tcp://127.0.0.1 (a second engine)', () => {
  let engine: SecondEngine
  beforeAll(async () => {
    engine = await startSecondEngine(TEST_IMAGE)
    process.env.DOCKER_HOST = engine.host
  }, 120_000)
  afterAll(async () => {
    delete process.env.DOCKER_HOST
    await engine?.stop()
  }, 60_000)

  test('sandboxes are made on the engine DOCKER_HOST names, not the default one', async () => {
    await using sandbox = await createDockerSandbox({ image: TEST_IMAGE })
    const { docker, endpoint } = await getEngine()
    expect(endpoint).toBe(engine.host)
    expect((await docker.getContainer(sandbox.id).inspect()).Id).toBe(sandbox.id)
    const onDefault = execFileSync('docker', ['ps', '-aq', '--no-trunc'], {
      encoding: 'utf8',
      env: { ...process.env, DOCKER_HOST: '' },
    })
    expect(onDefault).not.toContain(sandbox.id)
    const result = await sandbox.exec(['sh', '-c', 'echo over tcp'])
    expect(result).toMatchObject({ exitCode: 0, stdout: 'over tcp\n' })
  })

  describeSandboxContract('docker over tcp', (opts) => createDockerSandbox({ image: TEST_IMAGE, ...opts }))
})
