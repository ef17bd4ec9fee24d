import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { chooseProvider, warmUpSandbox } from './open.ts'
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
})
