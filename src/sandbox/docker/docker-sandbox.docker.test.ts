import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { SandboxUnavailableError } from '../../core/errors.ts'
import type { Sandbox } from '../types.ts'
import { createDockerSandbox } from './docker-sandbox.ts'
import { getEngine } from './engine.ts'
import { dockerAvailable, TEST_IMAGE } from './test-support.ts'

const docker = await dockerAvailable()

describe.skipIf(!docker.ok)('docker sandbox', () => {
  const inspect = async (sandbox: Sandbox) => (await getEngine()).docker.getContainer(sandbox.id).inspect()
  let host: string
  beforeAll(async () => {
    host = await mkdtemp(join(tmpdir(), 'evalbox-docker-'))
    await mkdir(join(host, 'fixture'))
    await writeFile(join(host, 'fixture/README.md'), 'fixture\n')
  })
  afterAll(async () => {
    await rm(host, { recursive: true, force: true })
  })

  test('labels the container and never mounts the Docker socket', async () => {
    await using sandbox = await createDockerSandbox({
      image: TEST_IMAGE,
      labels: { 'evalbox.run': 'run-42' },
    })
    const info = await inspect(sandbox)
    expect(sandbox.provider).toBe('docker')
    expect(info.Id).toBe(sandbox.id)
    expect(info.Config.Labels).toMatchObject({ 'evalbox.run': 'run-42', 'evalbox.sandbox': 'docker' })
    expect(JSON.stringify(info.Mounts)).not.toContain('docker.sock')
    expect(info.HostConfig.Init).toBe(true)
  })

  describe('network', () => {
    let server: Server
    let port: number
    let gateway: string
    beforeAll(async () => {
      server = createServer((_, res) => res.end('host says hi'))
      await new Promise<void>((done) => server.listen(0, '0.0.0.0', done))
      port = (server.address() as AddressInfo).port
      const bridge = await (await getEngine()).docker.getNetwork('bridge').inspect()
      gateway =
        bridge.IPAM?.Config?.[0]?.Gateway ??
        networkInterfaces().docker0?.find((address) => address.family === 'IPv4')?.address ??
        '172.17.0.1'
    })
    afterAll(() => new Promise<void>((done) => server.close(() => done())))

    const probe = (ip: string) =>
      `require('http').get('http://${ip}:' + process.argv[1], (r) => { r.resume(); console.log('${ip} ok', r.statusCode) })` +
      `.on('error', (e) => console.log('${ip} failed', e.code)).setTimeout(3000, function () { this.destroy(new Error('t')) })`

    test("'none' reaches neither the host loopback nor the bridge gateway", async () => {
      await using sandbox = await createDockerSandbox({ image: TEST_IMAGE })
      for (const ip of ['127.0.0.1', gateway]) {
        const result = await sandbox.exec(['node', '-e', probe(ip), String(port)])
        expect(result.stdout).toMatch(new RegExp(`^${ip} failed`))
      }
      expect((await sandbox.exec(['ls', '/sys/class/net'])).stdout.split(/\s+/).filter(Boolean)).toEqual([
        'lo',
      ])
    })

    test("'bridge' is opt-in and gets an interface that reaches the host", async () => {
      await using sandbox = await createDockerSandbox({ image: TEST_IMAGE, network: 'bridge' })
      expect((await sandbox.exec(['ls', '/sys/class/net'])).stdout).toContain('eth0')
      const result = await sandbox.exec(['node', '-e', probe(gateway), String(port)])
      expect(result.stdout).toBe(`${gateway} ok 200\n`)
    })
  })

  test('applies limits, and reports a command killed by the OOM killer', async () => {
    await using sandbox = await createDockerSandbox({
      image: TEST_IMAGE,
      limits: { memory: '64m', cpus: 0.5, pids: 64 },
    })
    const { HostConfig } = await inspect(sandbox)
    expect(HostConfig).toMatchObject({
      Memory: 64 * 1024 ** 2,
      MemorySwap: 64 * 1024 ** 2,
      NanoCpus: 5e8,
      PidsLimit: 64,
    })
    const oom = await sandbox.exec(['python3', '-c', 'x = bytearray(512*1024*1024)'])
    expect(oom).toMatchObject({ oomKilled: true, exitCode: null, signal: 'SIGKILL' })
    const plain = await sandbox.exec(['sh', '-c', 'exit 137'])
    expect(plain).toMatchObject({ oomKilled: false, exitCode: 137, signal: null })
  })

  test('a read-only root rejects writes outside workdir, outputs and /tmp', async () => {
    await using sandbox = await createDockerSandbox({
      image: TEST_IMAGE,
      readOnlyRoot: true,
      workspace: join(host, 'fixture'),
    })
    const etc = await sandbox.exec(['touch', '/etc/evalbox'])
    expect(etc.exitCode).not.toBe(0)
    expect(etc.stderr).toMatch(/read-only/i)
    const writable = await sandbox.exec([
      'sh',
      '-c',
      'touch new /tmp/t "$EVALBOX_OUTPUT_DIR/o" && cat README.md',
    ])
    expect(writable).toMatchObject({ exitCode: 0, stdout: 'fixture\n' })
    await sandbox.writeFile('copied/file.txt', 'in a volume')
    expect((await sandbox.readFile('copied/file.txt')).toString()).toBe('in a volume')
    await expect(sandbox.writeFile('/etc/evalbox', 'x')).rejects.toMatchObject({ code: 'INVALID_OPTIONS' })
  })

  test.each([
    ['numeric', '1000:1000', false],
    ['named, read-only root', 'nobody', true],
  ])('a non-root user (%s) owns and can write workdir and outputs', async (_, user, readOnlyRoot) => {
    await using sandbox = await createDockerSandbox({
      image: TEST_IMAGE,
      user,
      readOnlyRoot,
      workspace: join(host, 'fixture'),
    })
    await sandbox.copyIn(join(host, 'fixture'), 'deep/copied')
    const script = 'id -u; touch w deep/copied/w "$EVALBOX_OUTPUT_DIR/w" && stat -c %u README.md deep/copied'
    const result = await sandbox.exec(['sh', '-c', script])
    const uid = user === 'nobody' ? '65534' : '1000'
    expect(result).toMatchObject({ exitCode: 0, stdout: `${uid}\n${uid}\n${uid}\n` })
  })

  test('a timeout leaves no process behind, setsid daemons included', async () => {
    await using sandbox = await createDockerSandbox({ image: TEST_IMAGE })
    const script = 'setsid sh -c "sleep 101" >/dev/null 2>&1 & (sleep 102 &) ; sleep 103'
    const result = await sandbox.exec(['sh', '-c', script], { timeoutMs: 1000 })
    expect(result.timedOut).toBe(true)
    const ps = await sandbox.exec(['ps', '-eo', 'args'])
    expect(ps.stdout).not.toMatch(/sleep 10[123]/)
    expect(ps.stdout).toContain('sleep infinity')
  })

  test('dispose removes the container; a container removed behind its back is unavailable', async () => {
    const sandbox = await createDockerSandbox({ image: TEST_IMAGE })
    await sandbox.dispose()
    await expect(inspect(sandbox)).rejects.toMatchObject({ statusCode: 404 })
    const other = await createDockerSandbox({ image: TEST_IMAGE })
    await (await getEngine()).docker.getContainer(other.id).remove({ force: true })
    await expect(other.exec(['true'])).rejects.toBeInstanceOf(SandboxUnavailableError)
    await expect(other.readFile('x')).rejects.toBeInstanceOf(SandboxUnavailableError)
    await other.dispose()
  })
})
