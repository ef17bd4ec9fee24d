import { execFileSync } from 'node:child_process'
import { symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { copyFixture, readJson, resultFiles, runVitest, type VitestRun } from '../e2e/support/run-vitest.ts'
import {
  canStartSecondEngine,
  GVISOR_RUNTIMES,
  type SecondEngine,
  startSecondEngine,
} from '../src/sandbox/docker/second-engine.ts'
import { dockerAvailable, TEST_IMAGE } from '../src/sandbox/docker/test-support.ts'
import type { RunFile } from '../src/store/schema.ts'
import { attack } from './support/attack.ts'

const docker = await dockerAvailable()
const GiB = 1024 ** 3

const sh = (script: string) => execFileSync('sh', ['-c', script], { encoding: 'utf8' }).trim()
const entry = (run: RunFile, name: string) => {
  const found = run.tests.find((test) => test.name === name)
  if (!found) throw new Error(`no result for ${name}: ${run.tests.map((test) => test.name).join(', ')}`)
  return found
}
const output = (run: RunFile, name: string) => String(entry(run, name).output ?? '')

describe.skipIf(!docker.ok)('docker sandboxes are hardened by default', () => {
  let run: RunFile
  let hostGrowth = 0
  beforeAll(async () => {
    const dir = copyFixture('sandbox-hardening', 'attacks')
    // The host disk Docker writes container layers and volumes to, sampled during the run.
    const root = sh("docker info --format '{{.DockerRootDir}}'")
    const used = () => Number(sh(`df -B1 --output=used "${root}" | tail -1`))
    const before = used()
    let most = before
    const sampler = setInterval(() => {
      most = Math.max(most, used())
    }, 250)
    try {
      await runVitest(dir, ['--project', 'evals'], { env: { EVALBOX_SANDBOX: undefined } })
    } finally {
      clearInterval(sampler)
    }
    hostGrowth = most - before
    run = readJson<RunFile>(resultFiles(join(dir, '.evals'))[0]!)
  }, 300_000)

  attack('docker: the agent is not root by default (id -u)', () => {
    expect(output(run, 'is root')).toBe('uid=1000')
  })

  attack(
    'docker: the agent has no capabilities and cannot gain privileges (CapEff, CapBnd, NoNewPrivs)',
    () => {
      const status = output(run, 'has capabilities')
      expect(status).toMatch(/^capeff:0+$/m)
      expect(status).toMatch(/^capbnd:0+$/m)
      expect(status).toMatch(/^nonewprivs:1$/m)
    },
  )

  attack('docker: writing /usr, /etc, / or /var fails (read-only root)', () => {
    expect(output(run, 'writes the root filesystem')).toBe('done')
  })

  attack('docker: a fork bomb stops at the pids limit and the host survives', () => {
    const [, started, error] = /started=(\d+) error=(.*)/.exec(output(run, 'fork bomb')) ?? []
    expect(Number(started)).toBeLessThan(1024)
    expect(error).toMatch(/Resource temporarily unavailable/)
    expect(sh("ps -eo args | grep -c '^sleep 30$' || true")).toBe('0')
    expect(sh('echo host forks')).toBe('host forks')
  })

  attack('docker: a memory hog meets the default memory limit (oom)', () => {
    expect(entry(run, 'memory hog')).toMatchObject({ passed: false, exit_reason: 'oom' })
    expect(output(run, 'memory hog')).not.toContain('allocated')
  })

  attack(
    'docker: 1.5 GiB written to the workdir or /tmp fails with ENOSPC at 1 GiB; the host disk does not grow',
    () => {
      for (const dir of ['/workspace', '/tmp']) {
        const text = output(run, `fills ${dir}`)
        expect(text).toContain('No space left on device')
        const bytes = Number(/bytes=(\d+)/.exec(text)?.[1])
        expect(bytes).toBeGreaterThan(0.9 * GiB)
        expect(bytes).toBeLessThanOrEqual(GiB)
      }
      // Both cases held 1 GiB each for 4 s: on the host's disk that would be 2 GiB.
      expect(hostGrowth).toBeLessThan(GiB / 2)
    },
  )
})

describe('bad sandbox options fail at definition time, naming the option and the value', () => {
  let run: VitestRun
  beforeAll(async () => {
    const dir = copyFixture('sandbox-bad-options', 'attacks')
    symlinkSync('/etc', join(dir, 'fixture-link'))
    run = await runVitest(dir, ['--project', 'evals'], { env: { EVALBOX_SANDBOX: undefined } })
    run.stdout += run.stderr
  }, 300_000)

  attack('paths: workspace ../../etc is refused; nothing runs', () => {
    expect(run.stdout).toMatch(
      /`sandbox\.workspace` "(\.\.\/)+etc" resolves to "\/etc", outside the project root/,
    )
    expect(run.stdout).not.toMatch(/root:x:0:0/)
    expect(run.exitCode).not.toBe(0)
  })

  attack(
    'paths: a fixture folder that is a symbolic link to /etc is refused, on the eval and on a data row',
    () => {
      expect(run.stdout).toMatch(
        /evalTest\("copies a linked folder"\): `sandbox\.workspace` "fixture-link" resolves to "\/etc"/,
      )
      expect(run.stdout).toMatch(
        /describeEval\("rows"\): `data\[1\]\.sandbox\.workspace` "fixture-link" resolves to "\/etc"/,
      )
    },
  )

  attack('paths: a build context outside the project is refused', () => {
    expect(run.stdout).toMatch(/`sandbox\.build\.context` "\/etc" resolves to "\/etc"/)
  })

  attack("limits: memory '1k', pids 1 and cpus 999 are refused with option and value", () => {
    expect(run.stdout).toMatch(/`sandbox\.limits\.memory` must be a size of at least 6 MiB.*got `"1k"`/)
    expect(run.stdout).toMatch(/`sandbox\.limits\.pids` must be at least 16.*got `1`/)
    expect(run.stdout).toMatch(
      /`sandbox\.limits\.cpus` must be at most the \d+ CPUs of this machine, got `999`/,
    )
  })

  attack("image: 'x; touch y' is refused as an image reference", () => {
    expect(run.stdout).toMatch(/`sandbox\.image` must be a Docker image reference.*got `"x; touch y"`/)
    expect(run.stdout).not.toMatch(/unescaped characters/)
  })
})

const runsc = docker.ok && canStartSecondEngine(TEST_IMAGE, 'EVALBOX_REQUIRE_GVISOR', ['runsc'])

describe.skipIf(!runsc)("runtime: 'runsc' on an engine with gVisor", () => {
  let engine: SecondEngine
  let run: RunFile
  beforeAll(async () => {
    engine = await startSecondEngine(TEST_IMAGE, { runtimes: GVISOR_RUNTIMES })
    const dir = copyFixture('sandbox-gvisor', 'attacks')
    await runVitest(dir, ['--project', 'evals'], {
      env: { EVALBOX_SANDBOX: undefined, DOCKER_HOST: engine.host },
    })
    run = readJson<RunFile>(resultFiles(join(dir, '.evals'))[0]!)
  }, 300_000)
  afterAll(async () => engine?.stop(), 60_000)

  attack("gvisor: a case under runtime 'runsc' runs on gVisor's kernel, its workspace copied in", () => {
    expect(entry(run, 'runs on gVisor')).toMatchObject({ passed: true })
    expect(output(run, 'runs on gVisor')).toMatch(/Starting gVisor/)
  })
})
