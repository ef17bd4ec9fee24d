import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { chooseProvider, openSandbox, warmUpSandbox } from './open.ts'
import type { RunSettings } from './types.ts'

const settings = (extra: Partial<RunSettings> = {}): RunSettings => ({
  runId: 'r',
  ownerPid: process.pid,
  root: process.cwd(),
  resultsDir: '',
  runDir: '',
  autoProvider: 'docker',
  ...extra,
})

describe('choosing and warming up a provider', () => {
  afterEach(() => {
    vi.unstubAllEnvs()
  })

  test('auto is docker only for a spec with an image in a run that found an engine', () => {
    vi.stubEnv('EVALBOX_SANDBOX', '')
    expect(chooseProvider({ image: 'x' }, settings())).toBe('docker')
    expect(chooseProvider({}, settings())).toBe('local')
    expect(chooseProvider({ image: 'x' }, settings({ autoProvider: 'local' }))).toBe('local')
    vi.stubEnv('EVALBOX_SANDBOX', 'nonsense')
    expect(() => chooseProvider({ image: 'x' }, settings())).toThrow(/EVALBOX_SANDBOX is "nonsense"/)
  })

  test('only docker cases warm up, once per process, and the warm-up never fails a case', async () => {
    vi.stubEnv('EVALBOX_SANDBOX', '')
    expect(warmUpSandbox(undefined, settings())).toBeUndefined()
    expect(warmUpSandbox({ provider: 'local' }, settings())).toBeUndefined()
    vi.stubEnv('EVALBOX_SANDBOX', 'nonsense')
    expect(warmUpSandbox({ image: 'x' }, settings())).toBeUndefined()
    vi.stubEnv('EVALBOX_SANDBOX', '')
    // The run's service answers the warm-up's ping; an engine need not (it is not asked).
    const pings: string[] = []
    const server = createServer((req, res) => {
      pings.push(req.url ?? '')
      res.end('{}')
    })
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    vi.stubEnv('DOCKER_HOST', 'tcp://127.0.0.1:9')
    const warming = warmUpSandbox(
      { provider: 'docker', image: 'evalbox-test:none', pull: 'never' },
      settings({ brokerUrl: url }),
    )
    expect(warming).toBeInstanceOf(Promise)
    await expect(warming).resolves.toBeUndefined()
    expect(pings).toEqual(['/ping'])
    expect(warmUpSandbox({ provider: 'docker', image: 'other' }, settings())).toBe(warming)
    await new Promise((closed) => server.close(closed))
  })

  test('an image with no engine is an infra error, not a silent run on the host, unless hostFallback', async () => {
    vi.stubEnv('EVALBOX_SANDBOX', '')
    vi.stubEnv('DOCKER_HOST', 'tcp://127.0.0.1:1')
    const down = settings({
      autoProvider: 'local',
      autoReason: 'Docker engine not reachable at tcp://127.0.0.1:1',
    })
    await expect(openSandbox({ image: 'x' }, down, 'case')).rejects.toMatchObject({
      code: 'DOCKER_UNREACHABLE',
      message: expect.stringMatching(
        /names image "x", but no Docker engine answered at DOCKER_HOST=tcp:\/\/127\.0\.0\.1:1 .*Fix: start Docker.*hostFallback: true/,
      ),
    })
    const allowed = await openSandbox({ image: 'x', hostFallback: true }, down, 'case')
    expect(allowed.provider).toBe('local')
    await allowed.dispose()
    // Naming the local sandbox is a choice, not a fallback.
    vi.stubEnv('EVALBOX_SANDBOX', 'local')
    const forced = await openSandbox({ image: 'x' }, down, 'case')
    expect(forced.provider).toBe('local')
    await forced.dispose()
  })

  test('allowHost: false refuses the local sandbox, whatever chose it, naming why and the fix', async () => {
    vi.stubEnv('EVALBOX_SANDBOX', '')
    await expect(openSandbox({ allowHost: false }, settings(), 'case')).rejects.toMatchObject({
      code: 'HOST_SANDBOX_REFUSED',
      message: expect.stringMatching(
        /sets `allowHost: false`. Why it would: the eval names no image.*Fix: name an image/,
      ),
    })
    await expect(openSandbox({ provider: 'local', allowHost: false }, settings(), 'case')).rejects.toThrow(
      /the eval names sandbox 'local'.*drop sandbox: 'local'/,
    )
    vi.stubEnv('EVALBOX_SANDBOX', 'local')
    await expect(openSandbox({ image: 'x', allowHost: false }, settings(), 'case')).rejects.toThrow(
      /EVALBOX_SANDBOX=local forces it.*unset EVALBOX_SANDBOX/,
    )
    const allowed = await openSandbox({ allowHost: true }, settings(), 'case')
    expect(allowed.provider).toBe('local')
    await allowed.dispose()
  })
})
