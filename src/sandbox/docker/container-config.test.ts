import { describe, expect, test } from 'vitest'
import { containerConfig, parseMemory, resolveDockerOptions } from './container-config.ts'

describe('docker container config', () => {
  test('parses memory sizes and names a bad one', () => {
    expect(parseMemory('512m')).toBe(512 * 1024 ** 2)
    expect(parseMemory('1.5G')).toBe(1.5 * 1024 ** 3)
    expect(parseMemory('64mb')).toBe(64 * 1024 ** 2)
    expect(parseMemory(67108864)).toBe(67108864)
    expect(() => parseMemory('lots')).toThrow('Expected `limits.memory` to be a size of at least 6 MiB')
    expect(() => parseMemory('1m')).toThrow('got `"1m"` (string)')
  })

  test('validation names the option and the bad value', () => {
    expect(() => resolveDockerOptions({ image: '' })).toThrow('Expected `image`')
    expect(() => resolveDockerOptions({ image: 'x', workdir: 'rel' })).toThrow(
      '`workdir` to be an absolute folder path',
    )
    expect(() => resolveDockerOptions({ image: 'x', network: 'host' as 'none' })).toThrow(`got \`"host"\``)
    expect(() => resolveDockerOptions({ image: 'x', limits: { pids: 0 } })).toThrow('`limits.pids`')
  })

  test('defaults: no network, init, workdir and outputs, labels', () => {
    const config = containerConfig(resolveDockerOptions({ image: 'img', labels: { 'evalbox.run': 'r1' } }))
    expect(config).toMatchObject({
      Image: 'img',
      Cmd: ['sleep', 'infinity'],
      WorkingDir: '/workspace',
      Labels: { 'evalbox.run': 'r1', 'evalbox.sandbox': 'docker' },
      HostConfig: { Init: true, NetworkMode: 'none', ReadonlyRootfs: false },
    })
    expect(config.Env).toContain('EVALBOX_OUTPUT_DIR=/home/output')
    expect(config.Volumes).toBeUndefined()
    expect(JSON.stringify(config)).not.toContain('docker.sock')
  })

  test('a read-only root gets volumes for workdir and outputs and a tmpfs /tmp', () => {
    const config = containerConfig(
      resolveDockerOptions({
        image: 'img',
        readOnlyRoot: true,
        outputs: '/out',
        limits: { memory: '1g', cpus: 2 },
      }),
    )
    expect(config.Volumes).toEqual({ '/workspace': {}, '/out': {} })
    expect(config.HostConfig).toMatchObject({
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': expect.stringContaining('rw') },
      Memory: 1024 ** 3,
      MemorySwap: 1024 ** 3,
      NanoCpus: 2e9,
    })
  })
})
