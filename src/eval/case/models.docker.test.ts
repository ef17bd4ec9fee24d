import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createRedactor } from '../../core/secrets/redact.ts'
import { type Gateway, startGateway } from '../../gateway/index.ts'
import { createDockerSandbox } from '../../sandbox/docker/docker-sandbox.ts'
import { dockerAvailable, TEST_IMAGE } from '../../sandbox/docker/test-support.ts'
import type { Sandbox } from '../../sandbox/types.ts'
import { type FakeModelServer, startFakeModelServer } from '../../testing/fake-model-server.ts'
import { CaseFiles } from './files.ts'
import { modelSessionPlan, openModelSession } from './models.ts'

const docker = await dockerAvailable()
const CANARY = 'sk-ant-canary-3f9c1d7e5b2a4c6d8e0f'

// A model call made from inside the container with nothing but Node's fetch: the base URL and
// key the agent was given, the Anthropic Messages API.
const CALL = `
fetch(process.env.BASE + '/v1/messages', {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-api-key': process.env.KEY, 'anthropic-version': '2023-06-01' },
  body: JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
}).then((r) => r.text()).then((t) => console.log(t), (e) => { console.error(String(e)); process.exit(3) })`

describe.skipIf(!docker.ok)(
  'an agent in a container with no network reaches the model only through the gateway',
  () => {
    let upstream: FakeModelServer
    let gateway: Gateway
    let dir: string
    let results: string
    let sandbox: Sandbox
    beforeAll(async () => {
      upstream = await startFakeModelServer({
        apiKey: CANARY,
        defaultAnswer: { text: 'hello from upstream' },
      })
      dir = mkdtempSync(join(tmpdir(), 'evalbox-gw-'))
      chmodSync(dir, 0o755)
      results = mkdtempSync(join(tmpdir(), 'evalbox-gw-results-'))
      gateway = await startGateway({
        upstreams: { anthropic: { baseUrl: upstream.url, apiKey: CANARY } },
        socketPath: join(dir, 'gateway.sock'),
      })
      sandbox = await createDockerSandbox({ image: TEST_IMAGE, gatewayDir: dir, user: '1000:1000' })
    }, 120_000)
    afterAll(async () => {
      await sandbox?.dispose()
      await gateway?.close()
      await upstream?.close()
      rmSync(dir, { recursive: true, force: true })
      rmSync(results, { recursive: true, force: true })
    })

    test('the call goes through the forwarder and the gateway, with the real key added on the host only', async () => {
      const settings = {
        runId: 'r1',
        ownerPid: process.pid,
        root: results,
        resultsDir: results,
        runDir: join(results, 'runs', 'r1'),
        autoProvider: 'docker',
        gatewayUrl: gateway.url,
        gatewayToken: gateway.adminToken,
        gatewayDir: dir,
        gatewayHasKeys: true,
      }
      const plan = modelSessionPlan(settings, 'wiring case', { budget: { maxModelCalls: 1 } }, undefined)!
      const files = new CaseFiles(results, settings.runDir, plan.caseKey, createRedactor())
      const stop = new AbortController()
      const session = await openModelSession(plan, sandbox, files, stop.signal)
      expect(session.access.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/c\/[\w-]+$/)

      const env = { BASE: session.access.baseUrl, KEY: session.access.apiKey }
      const first = await sandbox.exec(['node', '-e', CALL], { env })
      expect(first.exitCode, first.stderr).toBe(0)
      expect(first.stdout).toContain('hello from upstream')
      // The upstream got the real key; the container only ever had the stand-in.
      expect(upstream.requests.at(-1)?.headers['x-api-key']).toBe(CANARY)
      expect(session.access.apiKey).not.toContain(CANARY)

      // The budget allows one call: the second is refused by the gateway, never forwarded.
      const before = upstream.requests.length
      const second = await sandbox.exec(['node', '-e', CALL], { env })
      expect(second.stdout).toContain('budget')
      expect(upstream.requests.length).toBe(before)

      // Nothing else is reachable: no network at all besides the gateway's forwarder.
      const outside = await sandbox.exec(
        ['node', '-e', "fetch('http://1.1.1.1/').then(() => process.exit(0), () => process.exit(7))"],
        { timeoutMs: 20_000 },
      )
      expect(outside.exitCode).toBe(7)

      // The key is nowhere in the container: its environment, its processes, its files.
      const search = await sandbox.exec([
        'sh',
        '-c',
        `cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' | grep -c '${CANARY}'; grep -rl '${CANARY}' /workspace /tmp /home /run 2>/dev/null | wc -l`,
      ])
      expect(search.stdout.split('\n').map((line) => line.trim())).toEqual(['0', '0', ''])

      const summary = await session.close()
      stop.abort()
      expect(summary).toMatchObject({ mode: 'live', calls: 1, refused: 1 })
      expect(summary.budgetExceeded).toMatch(/maxModelCalls/)
      expect(summary.tokens.output).toBeGreaterThan(0)
      const recorded = readFileSync(join(files.directory()!, 'model-calls.ndjson'), 'utf8')
      expect(recorded).toContain('claude-sonnet-4-6')
      expect(recorded).not.toContain(CANARY)
    }, 120_000)
  },
)
