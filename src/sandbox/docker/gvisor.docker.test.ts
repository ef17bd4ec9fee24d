import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { describeSandboxContract } from '../../testing/sandbox-contract.ts'
import { createDockerSandbox } from './docker-sandbox.ts'
import {
  canStartSecondEngine,
  GVISOR_RUNTIMES,
  type SecondEngine,
  startSecondEngine,
} from './second-engine.ts'
import { TEST_IMAGE } from './test-support.ts'

// gVisor (`runsc`, the Debian package) on an engine of its own: the shared engine is never
// reconfigured. DOCKER_HOST is set before the first client is made (one module state per file).
const runsc = canStartSecondEngine(TEST_IMAGE, 'EVALBOX_REQUIRE_GVISOR', ['runsc'])

describe.skipIf(!runsc)("runtime: 'runsc' (gVisor, on a second engine)", () => {
  let engine: SecondEngine
  beforeAll(async () => {
    engine = await startSecondEngine(TEST_IMAGE, { runtimes: GVISOR_RUNTIMES })
    process.env.DOCKER_HOST = engine.host
  }, 120_000)
  afterAll(async () => {
    delete process.env.DOCKER_HOST
    await engine?.stop()
  }, 60_000)

  test("commands run on gVisor's kernel, hardened as under runc", async () => {
    await using sandbox = await createDockerSandbox({ image: TEST_IMAGE, runtime: 'runsc' })
    const result = await sandbox.exec([
      'sh',
      '-c',
      'dmesg 2>&1 | head -3; id -u; grep CapEff /proc/self/status; awk \'$2 == "/" { print "root:" $4 }\' /proc/mounts',
    ])
    expect(result.stdout).toMatch(/gVisor/)
    expect(result.stdout).toMatch(/^1000$/m)
    expect(result.stdout).toMatch(/CapEff:\s+0+$/m)
    expect(result.stdout).toMatch(/^root:ro\b/m)
  })

  test('a runtime the engine lacks fails naming it and the runtimes the engine has', async () => {
    await expect(createDockerSandbox({ image: TEST_IMAGE, runtime: 'kata' })).rejects.toThrow(
      /Expected `runtime` to be a runtime of the Docker engine at tcp:\/\/127\.0\.0\.1:\d+, got `"kata"` .*"runc", "runsc"/,
    )
  })

  describeSandboxContract('docker with gVisor', (opts) =>
    createDockerSandbox({ image: TEST_IMAGE, runtime: 'runsc', ...opts }),
  )
})
