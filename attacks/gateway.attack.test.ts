import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { copyFixture, readJson, resultFiles, runVitest, type VitestRun } from '../e2e/support/run-vitest.ts'
import { dockerAvailable } from '../src/sandbox/docker/test-support.ts'
import type { RunFile } from '../src/store/schema.ts'
import { type FakeModelServer, startFakeModelServer } from '../src/testing/fake-model-server.ts'
import { attack } from './support/attack.ts'

// An agent in a container with no network holds one thing: its case's address on the run's
// model gateway (and a stand-in key). With it, it tries the gateway's admin API, other paths
// and other cases, more calls than its budget, the internet and the socket itself.

const docker = await dockerAvailable()
const KEY = 'sk-ant-gateway-attack-9c2e4f6a8b0d1e3f5a7c'

type Try = { status: number; body?: string }

describe.skipIf(!docker.ok)('the model gateway gives an agent its own case and nothing else', () => {
  let upstream: FakeModelServer
  let run: VitestRun
  let project: string
  let tries: Record<string, Try> & { parallel: Try[]; socket: string }

  beforeAll(async () => {
    upstream = await startFakeModelServer({ apiKey: KEY, defaultAnswer: { text: 'hi' } })
    project = copyFixture('gateway-agent', 'attacks')
    run = await runVitest(project, ['--project', 'evals'], {
      env: { EVALBOX_SANDBOX: undefined, ATTACK_UPSTREAM_URL: upstream.url, ANTHROPIC_API_KEY: KEY },
    })
    const [file] = resultFiles(join(project, '.evals'))
    const entry = file ? readJson<RunFile>(file).tests[0] : undefined
    const line = /ATTACK (\{.*\})/.exec(entry?.output ?? '')?.[1]
    if (!line) throw new Error(`the agent reported nothing\n${run.stdout}\n${run.stderr}`)
    tries = JSON.parse(line)
  }, 240_000)
  afterAll(async () => {
    await upstream?.close()
  })

  attack('the admin API with the stand-in key as its secret', () => {
    expect(tries.runUsage.status).toBe(401)
    expect(tries.openCase.status).toBe(401)
  })

  attack('the admin API by path traversal from its own prefix, plain and percent-encoded', () => {
    expect(tries.traversal.status).not.toBe(200)
    expect(tries.encoded.status).not.toBe(200)
    expect(`${tries.traversal.body}${tries.encoded.body}`).not.toMatch(/"costUsd"/)
  })

  attack('a path that is not a model endpoint, and another Host header', () => {
    expect(tries.forbidden.status).toBe(403)
    expect(upstream.requests.some((request) => request.path.includes('files'))).toBe(false)
    // The Host header picks nothing: the call still went to the configured upstream only.
    expect(tries.otherHost.status).toBe(200)
  })

  attack('calls without a case token, or with a guessed one', () => {
    // An empty token is no route at all (404); a guessed one is unknown (401): never forwarded.
    expect([401, 404]).toContain(tries.noToken.status)
    expect(tries.guessedToken.status).toBe(401)
  })

  attack('five calls at once against a budget of one', () => {
    const ok = tries.parallel.filter((call) => call.status === 200).length
    // One call of the budget went to the Host-header try; none of the five may pass.
    expect(ok).toBe(0)
    expect(upstream.requests.filter((request) => request.protocol === 'anthropic')).toHaveLength(1)
  })

  attack('the internet, from a container whose only way out is the gateway', () => {
    expect(tries.internet.status).toBe(0)
  })

  attack('the gateway socket itself (remove it, to plant another)', () => {
    expect(tries.socket).not.toBe('removed')
  })

  attack('the real key, anywhere in what the run kept', () => {
    expect(upstream.requests.at(-1)?.headers['x-api-key']).toBe(KEY)
    const files = readdirSync(join(project, '.evals'), { recursive: true, encoding: 'utf8' })
      .map((name) => join(project, '.evals', name))
      .filter((path) => statSync(path).isFile())
    expect(files.filter((path) => readFileSync(path).includes(KEY))).toEqual([])
    expect(run.stdout + run.stderr).not.toContain(KEY)
  })
})
