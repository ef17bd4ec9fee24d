import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, test, vi } from 'vitest'
import { readJson, resultFiles, runVitest } from '../../e2e/support/run-vitest.ts'
import { validateEvalTestOptions } from '../eval/options.ts'
import { fallbackSettings } from '../eval/settings.ts'
import type { RunFile } from '../store/schema.ts'
import { localProvider } from './local/provider.ts'
import { chooseProvider, openSandbox } from './open.ts'
import { getProvider, providerNames, registerProvider } from './providers.ts'
import { sandboxOptionSchema } from './spec.ts'

const fixture = join(import.meta.dirname, 'fixtures/registry')

describe('the provider registry', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'evalbox-registry-'))
  afterAll(() => rmSync(scratch, { recursive: true, force: true }))
  afterEach(() => {
    vi.unstubAllEnvs()
  })

  test('local and docker are registered, docker first (auto prefers it), local last (the fallback)', () => {
    expect(providerNames()).toEqual(['docker', 'local'])
  })

  test('one registerProvider line makes a provider usable by an eval, run hooks included', {
    timeout: 120_000,
  }, async () => {
    const log = join(scratch, 'hooks.log')
    const results = join(scratch, 'results')
    // EVALBOX_SANDBOX names it: only this provider is prepared (no engine is asked).
    const run = await runVitest(fixture, [], {
      env: { EVALBOX_SANDBOX: 'relabelled', EVALBOX_REGISTRY_LOG: log, EVALBOX_DIR: results },
    })
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    const [file] = resultFiles(results)
    const result = readJson<RunFile>(file!)
    expect(result.tests).toHaveLength(1)
    expect(result.tests[0]).toMatchObject({ status: 'passed', sandbox: { provider: 'relabelled' } })
    const lines = readFileSync(log, 'utf8').trim().split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(new RegExp(`^prepareRun ${result.run_id} pid=\\d+$`))
    expect(lines[1]).toMatch(/^open evals\/relabelled\.eval\.ts › runs in the registered provider pid=\d+$/)
    expect(lines[2]).toBe(lines[0]!.replace('prepareRun', 'cleanupRun'))
    // Prepared and cleaned up in the main process, opened in a worker.
    expect(lines[1]!.split('pid=')[1]).not.toBe(lines[0]!.split('pid=')[1])
  })

  test('an unknown provider name fails, listing the registered ones', async () => {
    const settings = fallbackSettings()
    const listed = /"docker", "local" or "auto"/
    expect(() => getProvider('kubernetes')).toThrowError(listed)
    expect(() => getProvider('kubernetes')).toThrowError(/Unknown sandbox provider "kubernetes"/)
    // Project defaults reach the case unvalidated: the case fails with the same message.
    await expect(openSandbox({ provider: 'kubernetes' }, settings, 'case')).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: expect.stringMatching(listed),
    })
    vi.stubEnv('EVALBOX_SANDBOX', 'kubernetes')
    expect(() => chooseProvider({}, settings)).toThrowError(
      'EVALBOX_SANDBOX is "kubernetes"; expected "docker", "local" or "auto". Fix the environment variable.',
    )
    // An eval's spec is refused when it is defined.
    const parsed = sandboxOptionSchema().safeParse({ provider: 'kubernetes' })
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ['provider'],
      message: expect.stringMatching(listed),
    })
    expect(() => validateEvalTestOptions('k8s', { sandbox: { provider: 'kubernetes' } })).toThrowError(
      /`sandbox.provider` must be "docker", "local" or "auto" \(the registered providers\), got `"kubernetes"`/,
    )
    expect(sandboxOptionSchema().safeParse('kubernetes').success).toBe(false)
    expect(sandboxOptionSchema().safeParse({ provider: 'local' }).success).toBe(true)
  })

  test('a provider needs a new name that is not "auto"', () => {
    expect(() => registerProvider(localProvider)).toThrowError(/named "local" is already registered/)
    expect(() => registerProvider({ ...localProvider, name: 'auto' })).toThrowError(/"auto" chooses one/)
    expect(providerNames()).toEqual(['docker', 'local'])
  })
})
