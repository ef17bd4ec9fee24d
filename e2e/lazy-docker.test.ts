import { mkdtempSync, rmSync } from 'node:fs'
import { connect, createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { dockerAvailable } from '../src/sandbox/docker/test-support.ts'
import { copyFixture, runVitest } from './support/run-vitest.ts'

const docker = await dockerAvailable()
const ENGINE = '/var/run/docker.sock'

/**
 * A unix socket in front of the real engine that passes every byte through and notes the
 * request lines (`GET /v1.47/containers/json`): what a run asked Docker, seen from outside.
 */
function recordingProxy(path: string): { server: Server; requests: string[] } {
  const requests: string[] = []
  const server = createServer((client) => {
    const engine = connect(ENGINE)
    client.on('data', (chunk) => {
      for (const line of chunk.toString('latin1').split('\r\n'))
        if (/^(GET|POST|PUT|DELETE|HEAD) \/\S* HTTP\/1\.[01]$/.test(line))
          requests.push(line.split(' ').slice(0, 2).join(' '))
    })
    client.pipe(engine).pipe(client)
    const close = () => {
      client.destroy()
      engine.destroy()
    }
    client.on('error', close)
    engine.on('error', close)
  })
  server.listen(path)
  return { server, requests }
}

describe.skipIf(!docker.ok)('Docker work happens only when a case uses Docker', () => {
  let dir: string
  let proxy: ReturnType<typeof recordingProxy>
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'evalbox-lazy-docker-'))
    proxy = recordingProxy(join(dir, 'docker.sock'))
  })
  afterAll(async () => {
    await new Promise((closed) => proxy.server.close(closed))
    rmSync(dir, { recursive: true, force: true })
  })
  const env = () => ({ EVALBOX_SANDBOX: undefined, DOCKER_HOST: `unix://${join(dir, 'docker.sock')}` })

  test('a run with no Docker case only pings the engine: no container listed, swept or removed', async () => {
    const project = copyFixture('lazy-docker')
    proxy.requests.length = 0
    const run = await runVitest(project, ['--project', 'evals', 'plain'], { env: env() })
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    expect(proxy.requests).toEqual(['GET /_ping'])
  })

  test('a run with a Docker case sweeps orphans, makes its container and removes what is left at the end', async () => {
    const project = copyFixture('lazy-docker')
    proxy.requests.length = 0
    const run = await runVitest(project, ['--project', 'evals'], { env: env() })
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    const asked = proxy.requests.map((r) => r.replace(/\/v[\d.]+\//, '/').replace(/\?.*/, ''))
    expect(asked[0]).toBe('GET /_ping')
    expect(asked).toContain('POST /containers/create')
    // The sweep and the final removal list the engine's containers (by label).
    expect(asked.filter((r) => r.startsWith('GET /containers/json')).length).toBeGreaterThanOrEqual(2)
  })
})
