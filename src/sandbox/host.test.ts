import { afterEach, describe, expect, test, vi } from 'vitest'
import { hostWarning } from './host.ts'

describe('the run warning about cases on the host', () => {
  afterEach(() => {
    vi.unstubAllEnvs()
  })

  test('none when no case ran on the host', () => {
    expect(hostWarning(0, 5, {})).toBeUndefined()
  })

  test('counts the cases and says why, with the fix: no image, no engine, or EVALBOX_SANDBOX', () => {
    vi.stubEnv('EVALBOX_SANDBOX', '')
    const noImage = hostWarning(1, 3, {})!
    expect(noImage).toMatch(/^WARNING: 1 of 3 cases ran on the host, not in a container/)
    expect(noImage).toContain("Why: its eval names no image, so sandbox 'auto' gives it the local sandbox")
    expect(noImage).toContain(
      "Fix: name an image, e.g. evalsProject({ sandbox: { image: 'evalbox-base:bookworm-1' } })",
    )
    expect(noImage).toContain('or forbid it with evalsProject({ sandbox: { allowHost: false } })')

    vi.stubEnv('DOCKER_HOST', 'tcp://127.0.0.1:1')
    const down = hostWarning(2, 2, {
      autoReason: 'Docker engine not reachable at tcp://127.0.0.1:1 (ECONNREFUSED)',
    })!
    expect(down).toContain(
      'Why: no Docker engine answered at DOCKER_HOST=tcp://127.0.0.1:1 (Docker engine not reachable at tcp://127.0.0.1:1 (ECONNREFUSED))',
    )
    expect(down).toContain('Fix: start Docker, or point DOCKER_HOST at a running engine, and name an image')

    vi.stubEnv('EVALBOX_SANDBOX', 'local')
    expect(hostWarning(2, 2, {})).toContain(
      'Why: EVALBOX_SANDBOX=local forces the local sandbox. Fix: unset EVALBOX_SANDBOX',
    )
  })
})
