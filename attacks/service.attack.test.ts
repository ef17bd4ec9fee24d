import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { copyFixture, readJson, resultFiles, runVitest, type VitestRun } from '../e2e/support/run-vitest.ts'
import { contextHash } from '../src/sandbox/docker/build-image.ts'
import { removeRunContainers, sweepOrphans } from '../src/sandbox/docker/lifecycle.ts'
import {
  requestImage,
  type SandboxService,
  startSandboxService,
} from '../src/sandbox/docker/sandbox-service.ts'
import { dockerAvailable, TEST_IMAGE } from '../src/sandbox/docker/test-support.ts'
import { LABEL_RUN, runLabels, thisMachine } from '../src/sandbox/labels.ts'
import type { RunFile } from '../src/store/schema.ts'
import { attack } from './support/attack.ts'

// The run's sandbox service (a loopback HTTP service of the Vitest main process) builds
// images and makes containers: any local process can reach it, so it must serve its own run
// only. Containers are owned by machine + boot + pid + run, so a shared engine's other
// machines never lose live containers to a sweep. And nothing an agent started runs while
// its graders do.

const docker = await dockerAvailable()

function containers(filter: string): string[] {
  return execFileSync('docker', ['ps', '-aq', '--filter', filter], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
}

function imageExists(tag: string): boolean {
  try {
    execFileSync('docker', ['image', 'inspect', tag], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** A raw POST to the service, with the given `Authorization` header (or none). */
function post(url: string, path: string, body: unknown, authorization?: string) {
  return new Promise<{ status: number; body: string }>((done, fail) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (authorization !== undefined) headers.authorization = authorization
    const req = request(`${url}${path}`, { method: 'POST', headers }, (res) => {
      let text = ''
      res.on('data', (chunk) => (text += chunk))
      res.on('end', () => done({ status: res.statusCode ?? 0, body: text }))
    })
    req.on('error', fail)
    req.end(JSON.stringify(body))
  })
}

describe.skipIf(!docker.ok)('the sandbox service serves its own run only', () => {
  const run = `service-attack-${process.pid}-${randomBytes(3).toString('hex')}`
  let service: SandboxService
  let project: string
  let outside: string
  let context: string
  beforeAll(async () => {
    project = realpathSync(mkdtempSync(join(tmpdir(), 'evalbox-service-project-')))
    outside = realpathSync(mkdtempSync(join(tmpdir(), 'evalbox-service-outside-')))
    context = join(project, 'image')
    mkdirSync(context)
    // A unique Dockerfile: its tag shows whether anything was built from it.
    writeFileSync(join(context, 'Dockerfile'), `FROM ${TEST_IMAGE}\nLABEL attack=${run}\n`)
    writeFileSync(join(outside, 'Dockerfile'), `FROM ${TEST_IMAGE}\nLABEL attack=${run}-outside\n`)
    service = await startSandboxService({
      root: project,
      labels: runLabels({ runId: run, ownerPid: process.pid }),
    })
  })
  afterAll(async () => {
    await service?.close()
    await removeRunContainers(run)
  })

  const spec = { spec: { image: TEST_IMAGE }, warm: 1 }

  attack('service: requests without the secret get 401 and build or create nothing', async () => {
    const tag = `evalbox-build:${await contextHash(context)}`
    for (const [path, body] of [
      ['/images', { build: { context } }],
      ['/sandboxes', spec],
      ['/ping', {}],
    ] as const) {
      const answer = await post(service.url, path, body)
      expect(answer.status, `${path} without a secret`).toBe(401)
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(imageExists(tag)).toBe(false)
    expect(containers(`label=${LABEL_RUN}=${run}`)).toEqual([])
    // The real secret builds it, so the 401s above are the secret's doing.
    expect(await requestImage(service, { build: { context } })).toBe(tag)
    execFileSync('docker', ['rmi', '-f', tag], { stdio: 'ignore' })
  })

  attack('service: forged or guessed secrets get 401', async () => {
    const forged = [
      `Bearer ${randomBytes(32).toString('base64url')}`,
      `Bearer ${service.token.slice(0, -1)}${service.token.endsWith('A') ? 'B' : 'A'}`,
      `Bearer ${service.token}x`,
      `Bearer ${service.token.slice(0, 16)}`,
      'Bearer ',
      service.token,
      `Basic ${Buffer.from(`evalbox:${service.token.slice(1)}`).toString('base64')}`,
    ]
    for (const authorization of forged) {
      const answer = await post(service.url, '/sandboxes', spec, authorization)
      expect(answer.status, authorization).toBe(401)
    }
    expect(containers(`label=${LABEL_RUN}=${run}`)).toEqual([])
    // The real secret works, so the 401s above are the secret's doing.
    expect((await post(service.url, '/ping', {}, `Bearer ${service.token}`)).status).toBe(200)
  })

  attack('service: build contexts and Dockerfiles outside the project are refused', async () => {
    symlinkSync(outside, join(project, 'escape'))
    symlinkSync(join(outside, 'Dockerfile'), join(context, 'Linked.Dockerfile'))
    const refused = [
      { context: '/etc' },
      { context: join(project, '..', '..') },
      { context: join(project, 'escape') },
      { context: outside },
      { context, dockerfile: join(outside, 'Dockerfile') },
      { context, dockerfile: '../../../../../../etc/passwd' },
      { context, dockerfile: 'Linked.Dockerfile' },
    ]
    for (const build of refused) {
      const asked = requestImage(service, { build })
      await expect(asked, JSON.stringify(build)).rejects.toMatchObject({ code: 'INVALID_OPTIONS' })
      await expect(asked).rejects.toThrow(/outside/)
    }
    expect(imageExists(`evalbox-build:${await contextHash(outside)}`)).toBe(false)
  })

  attack(
    "service: every container it makes carries the run's labels, whatever the request says",
    async () => {
      const asked = {
        spec: { image: TEST_IMAGE, labels: { [LABEL_RUN]: 'someone-else', mine: 'yes' } },
        warm: 1,
      }
      const answer = await post(service.url, '/sandboxes', asked, `Bearer ${service.token}`)
      expect(answer.status).toBe(200)
      const { id } = JSON.parse(answer.body) as { id: string }
      const labels = JSON.parse(
        execFileSync('docker', ['inspect', '--format', '{{json .Config.Labels}}', id], { encoding: 'utf8' }),
      )
      expect(labels).toMatchObject({ [LABEL_RUN]: run, 'evalbox.pid': String(process.pid), mine: 'yes' })
      expect(labels['evalbox.machine']).toBe(thisMachine().machine)
      expect(containers(`label=${LABEL_RUN}=someone-else`)).toEqual([])
      // The end of the run removes it with the pool's refill: nothing of the run is left.
      await service.close()
      await removeRunContainers(run)
      expect(containers(`label=${LABEL_RUN}=${run}`)).toEqual([])
    },
  )
})

describe.skipIf(!docker.ok)('orphan sweep on an engine shared by machines with one host name', () => {
  const tag = randomBytes(4).toString('hex')
  const deadPid = 2 ** 22 + 17 // above Linux's pid_max: never a live pid here
  const here = thisMachine()
  const made: Record<string, string> = {}
  const make = (name: string, labels: Record<string, string>) => {
    const args = [
      'create',
      '--label',
      `evalbox.run=sweep-${tag}-${name}`,
      '--label',
      'evalbox.sandbox=docker',
    ]
    for (const [key, value] of Object.entries(labels)) args.push('--label', `${key}=${value}`)
    made[name] = execFileSync('docker', [...args, TEST_IMAGE, 'true'], { encoding: 'utf8' }).trim()
  }
  const exists = (name: string) => containers(`id=${made[name]}`).length === 1
  afterAll(() => {
    for (const id of Object.values(made)) execFileSync('docker', ['rm', '-f', id], { stdio: 'ignore' })
  })

  attack("sweep: another machine's containers with this host name are never removed", async () => {
    const same = { 'evalbox.host': hostname() }
    // Another machine (same host name) whose run is live there; its pid means nothing here.
    make('other-machine', {
      ...same,
      'evalbox.machine': `other-${tag}`,
      'evalbox.boot': here.boot,
      'evalbox.pid': String(deadPid),
    })
    // A live run of this machine.
    make('live-here', {
      ...same,
      'evalbox.machine': here.machine,
      'evalbox.boot': here.boot,
      'evalbox.pid': String(process.pid),
    })
    // Made before machines were labelled: whose it is cannot be told.
    make('unlabelled-machine', { ...same, 'evalbox.pid': String(deadPid) })
    // Dead runs of this machine: this boot with a dead pid, an earlier boot with a live-looking one.
    make('dead-here', {
      ...same,
      'evalbox.machine': here.machine,
      'evalbox.boot': here.boot,
      'evalbox.pid': String(deadPid),
    })
    make('earlier-boot', {
      ...same,
      'evalbox.machine': here.machine,
      'evalbox.boot': `boot-${tag}`,
      'evalbox.pid': String(process.pid),
    })
    await sweepOrphans('the-current-run')
    expect(exists('other-machine')).toBe(true)
    expect(exists('live-here')).toBe(true)
    expect(exists('unlabelled-machine')).toBe(true)
    // The sweep works: this machine's dead runs are gone.
    expect(exists('dead-here')).toBe(false)
    expect(exists('earlier-boot')).toBe(false)
  })
})

describe.skipIf(!docker.ok)('an eval run: a local agent attacks the service; agents leave daemons', () => {
  let run: VitestRun
  let result: RunFile
  let dir: string
  beforeAll(async () => {
    dir = copyFixture('service-run', 'attacks')
    run = await runVitest(dir, ['--project', 'evals'], { env: { EVALBOX_SANDBOX: undefined } })
    const files = resultFiles(join(dir, '.evals'))
    result = readJson<RunFile>(files.at(-1)!)
  }, 300_000)
  const entry = (name: string) => {
    const found = result.tests.find((test) => test.name === name)
    if (!found) throw new Error(`no result for "${name}"\n${run.stdout}\n${run.stderr}`)
    return found
  }

  attack("service: a local agent's process gets 401 with every secret it can find or guess", () => {
    const output = JSON.parse(
      entry("service: a local agent's process cannot use the run's sandbox service").output!,
    )
    expect(output.tried).toBeGreaterThan(10)
    expect(output.statuses).toEqual({ 401: output.tried })
    // Nothing the run made is left, labelled or not (the reaper-free end of a run).
    expect(containers(`label=${LABEL_RUN}=${result.run_id ?? 'no-run-id'}`)).toEqual([])
  })

  for (const provider of ['docker', 'local']) {
    for (const how of ['exits normally', 'runs past its timeout']) {
      attack(
        `daemons: ${provider} agent that ${how} leaves env -i and setsid daemons; graders see none`,
        () => {
          const test = entry(`${provider}: daemons of an agent that ${how}`)
          expect(test.exit_reason).toBe(how === 'exits normally' ? 'success' : 'timeout')
          const grade = test.grades?.find((g) => g.name === 'no process of the agent')
          expect(grade, JSON.stringify(test)).toBeDefined()
          expect(grade!.pass, JSON.stringify(grade)).toBe(true)
        },
      )
    }
  }
})
