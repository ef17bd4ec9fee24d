import { accessSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DEFAULT_BASE_IMAGE } from '../../core/defaults.ts'
import { cliSandbox } from '../__fixtures__/harness.ts'

// The real build takes minutes (debootstrap from deb.debian.org); it is run by hand and by
// `.ci/run` (scripts/build-base-image.sh). These tests run the command for real up to the
// point where it would start one.
const cli = cliSandbox()
const bin = mkdtempSync(join(tmpdir(), 'evalbox-image-bin-'))
afterAll(() => {
  cli.remove()
  rmSync(bin, { recursive: true, force: true })
})
const env = (extra: Record<string, string> = {}) => ({ ...process.env, ...extra }) as Record<string, string>

describe('evalbox image build', () => {
  it('reuses the image already present under the tag, at once', async () => {
    const started = Date.now()
    const run = await cli.run(['image', 'build'], env())
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`${DEFAULT_BASE_IMAGE} is already present; nothing to build`)
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('names the missing docker CLI, the unreachable engine and the missing debootstrap, with the fix', async () => {
    const noDocker = await cli.run(['image', 'build'], env({ PATH: '/nonexistent' }))
    expect(noDocker.code).toBe(1)
    expect(noDocker.stderr).toContain('docker is not on PATH: install Docker Engine')

    const dead = await cli.run(['image', 'build'], env({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' }))
    expect(dead.code).toBe(1)
    expect(dead.stderr).toContain(
      'cannot reach the Docker engine at DOCKER_HOST=unix:///nonexistent/docker.sock',
    )
    expect(dead.stderr).toContain('Start Docker (or fix DOCKER_HOST)')

    // A PATH with docker and nothing else: no debootstrap and no apt-get to install it.
    symlinkSync(which('docker'), join(bin, 'docker'))
    const tag = `evalbox-image-test:${process.pid}`
    const bare = await cli.run(['image', 'build', '--tag', tag], env({ PATH: bin }))
    expect(bare.code).toBe(1)
    if (process.getuid?.() === 0) {
      expect(bare.stderr).toContain('debootstrap is not installed and there is no apt-get to install it')
    } else {
      expect(bare.stderr).toContain(`building ${tag} needs root`)
      expect(bare.stderr).toContain(`sudo npx evalbox image build --tag ${tag}`)
    }
  })

  it('refuses a bad tag or subcommand as a usage error', async () => {
    const tag = await cli.run(['image', 'build', '--tag', 'x; rm -rf /'], env())
    expect(tag.code).toBe(2)
    expect(tag.stderr).toContain('--tag must be an image reference such as evalbox-base:bookworm-1')
    const sub = await cli.run(['image', 'push'], env())
    expect(sub.code).toBe(2)
    expect(sub.stderr).toContain('image takes one subcommand, build, got "push"')
    expect((await cli.run(['--help'], env())).stdout).toContain('image build')
  })
})

function which(program: string): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const path = join(dir, program)
    try {
      accessSync(path)
      return path
    } catch {
      // Not here.
    }
  }
  throw new Error(`${program} is not on PATH`)
}
