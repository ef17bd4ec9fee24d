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

  test('refuses limits that cannot work, image references Docker would refuse, unknown capabilities', () => {
    expect(() => resolveDockerOptions({ image: 'x; touch y' })).toThrow(
      'Expected `image` to be an image reference',
    )
    expect(() => resolveDockerOptions({ image: 'x', limits: { memory: '1k' } })).toThrow('`limits.memory`')
    expect(() => resolveDockerOptions({ image: 'x', limits: { pids: 1 } })).toThrow('`limits.pids`')
    expect(() => resolveDockerOptions({ image: 'x', limits: { disk: '1k' } })).toThrow('`limits.disk`')
    expect(() => resolveDockerOptions({ image: 'x', capAdd: ['ROOT'] })).toThrow('`capAdd`')
    expect(() => resolveDockerOptions({ image: 'x', runtime: 'run sc' })).toThrow('`runtime`')
    for (const image of [
      'evalbox-base:bookworm-1',
      'node:22',
      'localhost:5000/a/b_c:1.0',
      `a@sha256:${'f'.repeat(64)}`,
    ]) {
      expect(() => resolveDockerOptions({ image })).not.toThrow()
    }
  })

  test('defaults: hardened (no capabilities, no new privileges, read-only root, limits, sized tmpfs folders)', () => {
    const config = containerConfig(resolveDockerOptions({ image: 'img', labels: { 'evalbox.run': 'r1' } }), {
      uid: 1000,
      gid: 1000,
    })
    expect(config).toMatchObject({
      Image: 'img',
      Cmd: ['sleep', 'infinity'],
      User: '1000:1000',
      WorkingDir: '/workspace',
      Labels: { 'evalbox.run': 'r1', 'evalbox.sandbox': 'docker' },
      HostConfig: {
        Init: true,
        NetworkMode: 'none',
        ReadonlyRootfs: true,
        CapDrop: ['ALL'],
        CapAdd: [],
        SecurityOpt: ['no-new-privileges'],
        Memory: 2 * 1024 ** 3,
        MemorySwap: 2 * 1024 ** 3,
        PidsLimit: 1024,
      },
    })
    expect(config.HostConfig?.NanoCpus).toBeUndefined()
    expect(config.HostConfig?.Runtime).toBeUndefined()
    expect(config.Env).toContain('EVALBOX_OUTPUT_DIR=/home/output')
    expect(config.Env).toContain('HOME=/home/sandbox')
    const mounts = config.HostConfig?.Mounts ?? []
    expect(mounts.map((mount) => mount.Target)).toEqual([
      '/workspace',
      '/home/output',
      '/home/sandbox',
      '/tmp',
    ])
    const options = mounts.map((mount) => mount.VolumeOptions?.DriverConfig.Options.o)
    expect(options[0]).toBe(`size=${1024 ** 3},uid=1000,gid=1000,mode=0755,nosuid,nodev`)
    expect(options[3]).toBe(`size=${1024 ** 3},uid=0,gid=0,mode=1777,nosuid,nodev`)
    expect(JSON.stringify(config)).not.toContain('docker.sock')
  })

  test('every default has its opt-out; limits merge with the defaults', () => {
    const config = containerConfig(
      resolveDockerOptions({
        image: 'img',
        readOnlyRoot: false,
        noNewPrivileges: false,
        capAdd: ['cap_chown', 'NET_BIND_SERVICE'],
        runtime: 'runsc',
        outputs: '/out',
        env: { HOME: '/root' },
        limits: { memory: '1g', cpus: 2, disk: '64m' },
      }),
      { uid: 0, gid: 0 },
    )
    expect(config.User).toBe('0:0')
    expect(config.Env).toContain('HOME=/root')
    expect(config.HostConfig).toMatchObject({
      ReadonlyRootfs: false,
      CapDrop: ['ALL'],
      CapAdd: ['CHOWN', 'NET_BIND_SERVICE'],
      SecurityOpt: [],
      Runtime: 'runsc',
      Memory: 1024 ** 3,
      PidsLimit: 1024,
      NanoCpus: 2e9,
    })
    expect(config.HostConfig?.Mounts?.map((mount) => mount.Target)).toEqual([
      '/workspace',
      '/out',
      '/root',
      '/tmp',
    ])
    expect(config.HostConfig?.Mounts?.[1]?.VolumeOptions?.DriverConfig.Options.o).toContain(
      `size=${64 * 1024 ** 2},`,
    )
  })
})
