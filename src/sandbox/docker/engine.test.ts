import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { connectEngine, engineOptions, pingEngine } from './engine.ts'

describe('docker engine connection', () => {
  test('reads DOCKER_HOST the way the docker CLI does', () => {
    expect(engineOptions({})).toMatchObject({
      endpoint: 'unix:///var/run/docker.sock',
      options: { socketPath: '/var/run/docker.sock' },
    })
    expect(engineOptions({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }).options.socketPath).toBe(
      '/run/user/1000/docker.sock',
    )
    expect(engineOptions({ DOCKER_HOST: 'tcp://10.0.0.5:2375' })).toMatchObject({
      endpoint: 'tcp://10.0.0.5:2375',
      options: { protocol: 'http', host: '10.0.0.5', port: '2375', socketPath: undefined },
    })
    expect(engineOptions({ DOCKER_HOST: 'ssh://me@build-box' }).options).toMatchObject({
      protocol: 'ssh',
      host: 'build-box',
      username: 'me',
    })
  })

  test('TLS without readable certificates names the folder to fix', () => {
    expect(() =>
      engineOptions({ DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/nope' }),
    ).toThrow(/TLS files in \/nope cannot be read.*DOCKER_CERT_PATH/)
  })

  test('a missing socket is DOCKER_UNREACHABLE naming the address, the OS error and the fix', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'evalbox-engine-'))
    try {
      const engine = await connectEngine({ DOCKER_HOST: `unix://${dir}/docker.sock` })
      await expect(pingEngine(engine)).rejects.toMatchObject({
        code: 'DOCKER_UNREACHABLE',
        message: `Docker engine not reachable at unix://${dir}/docker.sock (ENOENT). Start dockerd or set DOCKER_HOST; or run with sandbox: 'local'`,
      })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  test('a closed TCP port is ECONNREFUSED', async () => {
    const server = createServer()
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    const { port } = server.address() as { port: number }
    await new Promise((done) => server.close(done))
    const engine = await connectEngine({ DOCKER_HOST: `tcp://127.0.0.1:${port}` })
    await expect(pingEngine(engine)).rejects.toThrow(
      `not reachable at tcp://127.0.0.1:${port} (ECONNREFUSED)`,
    )
  })
})
