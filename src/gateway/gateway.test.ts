import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type Gateway, gatewayClient, RunBudgetSpentError, startGateway } from './index.ts'
import { type FakeUpstream, startFakeUpstream } from './test-support.ts'

const KEYS = {
  anthropic: 'canary-anthropic-REAL-key-7f3a9c1e5b',
  openai: 'canary-openai-REAL-key-2d8e4a6c0f',
  gemini: 'canary-gemini-REAL-key-9b1d3f5a7c',
}
const DUMMY = 'dummy-key-the-agent-holds-000'

let upstream: FakeUpstream
let gateway: Gateway
let dir: string

async function start(extra: Parameters<typeof startGateway>[0] = {}) {
  gateway = await startGateway({
    upstreams: {
      anthropic: { baseUrl: upstream.url, apiKey: KEYS.anthropic },
      openai: { baseUrl: `${upstream.url}/v1`, apiKey: KEYS.openai },
      gemini: { baseUrl: upstream.url, apiKey: KEYS.gemini },
    },
    ...extra,
  })
  return gateway
}

beforeAll(async () => {
  upstream = await startFakeUpstream()
})
afterAll(async () => {
  await upstream.close()
})
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'evalbox-gateway-'))
  upstream.requests.length = 0
})
afterEach(async () => {
  await gateway?.close()
  await rm(dir, { recursive: true, force: true })
})

type Call = { path: string; body?: unknown; headers?: Record<string, string>; method?: string }

/** What each protocol's agent sends, with the dummy key in the header (and query) it uses. */
const calls = {
  anthropic: (stream: boolean, content = 'Fix paginate'): Call => ({
    path: '/v1/messages?beta=true',
    headers: {
      'x-api-key': DUMMY,
      authorization: `Bearer ${DUMMY}`,
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'fine-grained-tool-streaming',
    },
    body: {
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      stream,
      metadata: { user_id: `user_${Math.random()}` },
      messages: [{ role: 'user', content }],
    },
  }),
  responses: (stream: boolean, input = 'Fix paginate'): Call => ({
    path: '/v1/responses',
    headers: { authorization: `Bearer ${DUMMY}` },
    body: { model: 'gpt-5.4', stream, input, prompt_cache_key: `k${Math.random()}` },
  }),
  chat: (stream: boolean, includeUsage = true, content = 'Fix paginate'): Call => ({
    path: '/chat/completions',
    headers: { authorization: `Bearer ${DUMMY}`, 'api-key': DUMMY },
    body: {
      model: 'gpt-4.1-mini',
      stream,
      ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
      messages: [{ role: 'user', content }],
    },
  }),
  gemini: (stream: boolean, text = 'Fix paginate'): Call => ({
    path: stream
      ? `/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse&key=${DUMMY}`
      : '/v1beta/models/gemini-2.5-pro:generateContent',
    headers: { 'x-goog-api-key': DUMMY },
    body: { contents: [{ role: 'user', parts: [{ text }] }] },
  }),
}

async function send(prefix: string, call: Call) {
  const response = await fetch(`${gateway.url}${prefix}${call.path}`, {
    method: call.method ?? (call.body === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': 'application/json', ...call.headers },
    ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
  })
  return { status: response.status, text: await response.text(), headers: response.headers }
}

describe('forwarding and the key swap', () => {
  it.each([
    ['anthropic', calls.anthropic(true), 'x-api-key', KEYS.anthropic, '/v1/messages?beta=true'],
    ['responses', calls.responses(true), 'authorization', `Bearer ${KEYS.openai}`, '/v1/responses'],
    ['chat', calls.chat(false), 'authorization', `Bearer ${KEYS.openai}`, '/v1/chat/completions'],
    [
      'gemini',
      calls.gemini(true),
      'x-goog-api-key',
      KEYS.gemini,
      '/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
    ],
  ])('%s: the upstream gets the real key and never the dummy', async (_, call, header, value, url) => {
    await start()
    const { prefix } = await gateway.openCase({ caseKey: 'swap' })
    const answer = await send(prefix, call)
    expect(answer.status).toBe(200)
    const [got] = upstream.requests
    expect(got!.url).toBe(url)
    expect(got!.headers[header]).toBe(value)
    expect(JSON.stringify(got!.headers) + got!.url).not.toContain(DUMMY)
    expect(got!.headers.host).toBe(new URL(upstream.url).host)
    for (const other of ['x-api-key', 'authorization', 'x-goog-api-key', 'api-key'].filter(
      (h) => h !== header,
    ))
      expect(got!.headers[other]).toBeUndefined()
  })

  it('keeps anthropic-version and anthropic-beta', async () => {
    await start()
    const { prefix } = await gateway.openCase({ caseKey: 'headers' })
    await send(prefix, calls.anthropic(false))
    expect(upstream.requests[0]!.headers['anthropic-version']).toBe('2023-06-01')
    expect(upstream.requests[0]!.headers['anthropic-beta']).toBe('fine-grained-tool-streaming')
  })

  it.each([
    ['anthropic stream', calls.anthropic(true, 'echo-key'), KEYS.anthropic],
    ['anthropic json', calls.anthropic(false, 'echo-key'), KEYS.anthropic],
    ['gemini stream', calls.gemini(true, 'echo-key'), KEYS.gemini],
  ])(
    '%s: a key echoed by the upstream reaches neither the agent nor the calls file',
    async (_, call, key) => {
      await start()
      const callsFile = join(dir, 'model-calls.ndjson')
      const { prefix, token } = await gateway.openCase({ caseKey: 'echo', callsFile })
      const answer = await send(prefix, call)
      expect(answer.status).toBe(200)
      expect(answer.text).toContain('your key is')
      expect(answer.text).toContain('[REDACTED]')
      expect(answer.text).not.toContain(key)
      await gateway.closeCase(token)
      const recorded = await readFile(callsFile, 'utf8')
      expect(recorded).toContain('your key is')
      expect(recorded).not.toContain(key)
    },
  )

  it('redacts configured secrets (and key shapes) from the calls file and the cassette', async () => {
    const secret = 'customer-secret-canary-5521'
    const shaped = `sk-ant-api03-${'Q'.repeat(40)}`
    await start({ secrets: [secret] })
    const callsFile = join(dir, 'calls.ndjson')
    const cassette = join(dir, 'cassette.ndjson')
    const { prefix, token } = await gateway.openCase({
      caseKey: 'redact',
      callsFile,
      cassette: { path: cassette, mode: 'record' },
    })
    await send(prefix, calls.chat(true, true, `the password is ${secret}, the key ${shaped}`))
    expect(upstream.requests[0]!.body).toContain(secret)
    await gateway.closeCase(token)
    for (const file of [callsFile, cassette]) {
      const text = await readFile(file, 'utf8')
      expect(text).toContain('the password is')
      expect(text).not.toContain(secret)
      expect(text).not.toContain(shaped)
    }
  })

  it('closeCase aborts calls still in flight and records them before it resolves', async () => {
    await start()
    const callsFile = join(dir, 'calls.ndjson')
    const { prefix, token } = await gateway.openCase({ caseKey: 'inflight', callsFile })
    const call = calls.anthropic(true, 'hang')
    const response = await fetch(`${gateway.url}${prefix}${call.path}`, {
      method: 'POST',
      headers: call.headers!,
      body: JSON.stringify(call.body),
    })
    await response.body!.getReader().read()
    const usage = await gateway.closeCase(token)
    expect(usage).toMatchObject({ calls: 1, errors: 1 })
    const record = JSON.parse((await readFile(callsFile, 'utf8')).trim())
    expect(record.error).toContain('closed')
    expect(record.response[0].type).toBe('message_start')
  })

  it('streams each chunk through as it arrives, not when the upstream ends', async () => {
    await start()
    const { prefix } = await gateway.openCase({ caseKey: 'stream' })
    const call = calls.anthropic(true, 'slow')
    const started = performance.now()
    const response = await fetch(`${gateway.url}${prefix}${call.path}`, {
      method: 'POST',
      headers: call.headers!,
      body: JSON.stringify(call.body),
    })
    const reader = response.body!.getReader()
    const first = await reader.read()
    const firstAt = performance.now() - started
    expect(new TextDecoder().decode(first.value)).toContain('message_start')
    let rest = ''
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      rest += new TextDecoder().decode(value)
    }
    const endAt = performance.now() - started
    expect(rest).toContain('message_stop')
    expect(firstAt).toBeLessThan(250)
    expect(endAt).toBeGreaterThanOrEqual(290)
  })

  it('aborts the upstream request when the agent goes away', async () => {
    await start()
    const { prefix, token } = await gateway.openCase({ caseKey: 'abort' })
    const before = upstream.aborted
    const controller = new AbortController()
    const call = calls.anthropic(true, 'hang')
    const response = await fetch(`${gateway.url}${prefix}${call.path}`, {
      method: 'POST',
      headers: call.headers!,
      body: JSON.stringify(call.body),
      signal: controller.signal,
    })
    await response.body!.getReader().read()
    controller.abort()
    await expect.poll(() => upstream.aborted).toBe(before + 1)
    const usage = await gateway.closeCase(token)
    expect(usage.calls).toBe(1)
    expect(usage.errors).toBe(1)
  })
})

describe('upstream trouble and the other endpoints', () => {
  it('an upstream that dies mid-stream cuts the agent off and is recorded as an error', async () => {
    await start()
    const callsFile = join(dir, 'calls.ndjson')
    const { prefix, token } = await gateway.openCase({ caseKey: 'die', callsFile })
    await expect(send(prefix, calls.anthropic(true, 'die'))).rejects.toThrow()
    const usage = await gateway.closeCase(token)
    expect(usage).toMatchObject({ calls: 1, errors: 1 })
    const record = JSON.parse((await readFile(callsFile, 'utf8')).trim())
    expect(record.error).toContain('broke off')
  })

  it('an error event inside a 200 stream counts as an error, usage so far kept', async () => {
    await start()
    const callsFile = join(dir, 'calls.ndjson')
    const { prefix, token } = await gateway.openCase({ caseKey: 'overloaded', callsFile })
    const answer = await send(prefix, calls.anthropic(true, 'overloaded'))
    expect(answer.status).toBe(200)
    expect(answer.text).toContain('overloaded_error')
    const usage = await gateway.closeCase(token)
    expect(usage).toMatchObject({ calls: 1, errors: 1, tokens: { input: 100, output: 1 } })
    const record = JSON.parse((await readFile(callsFile, 'utf8')).trim())
    expect(record.error).toBe('the stream reported an error: Overloaded')
  })

  it('keeps two cases streaming at once apart', async () => {
    await start()
    const a = await gateway.openCase({ caseKey: 'a' })
    const b = await gateway.openCase({ caseKey: 'b' })
    await Promise.all([
      send(a.prefix, calls.anthropic(true, 'slow')),
      send(b.prefix, calls.responses(true, 'slow')),
      send(b.prefix, calls.responses(false)),
    ])
    expect((await gateway.closeCase(a.token)).costUsd).toBeCloseTo(0.0021, 12)
    expect(await gateway.closeCase(b.token)).toMatchObject({
      calls: 2,
      byModel: { 'gpt-5.4-2026-03-05': { calls: 2 } },
    })
    expect(gateway.runUsage()).toMatchObject({ cases: 2, openCases: 0, calls: 3 })
  })

  it('forwards model lists and token counts with the real key, not counting them as model calls', async () => {
    await start()
    const { prefix, token } = await gateway.openCase({ caseKey: 'aux', budget: { maxModelCalls: 0 } })
    await send(prefix, {
      path: '/v1/models',
      headers: { 'x-api-key': DUMMY, 'anthropic-version': '2023-06-01' },
    })
    await send(prefix, { path: '/v1beta/models', headers: { 'x-goog-api-key': DUMMY } })
    await send(prefix, {
      path: '/v1/messages/count_tokens',
      headers: { 'x-api-key': DUMMY },
      body: { messages: [] },
    })
    expect(upstream.requests.map((r) => [r.method, r.url])).toEqual([
      ['GET', '/v1/models'],
      ['GET', '/v1beta/models'],
      ['POST', '/v1/messages/count_tokens'],
    ])
    expect(upstream.requests.map((r) => r.headers['x-api-key'] ?? r.headers['x-goog-api-key'])).toEqual([
      KEYS.anthropic,
      KEYS.gemini,
      KEYS.anthropic,
    ])
    expect(await gateway.closeCase(token)).toMatchObject({ calls: 0, refused: 0 })
  })
})

describe('usage and cost', () => {
  const pricing = { 'gemini-2.5-pro': { input: 1.25, output: 10, cacheRead: 0.31 } }
  it.each([
    [
      'anthropic stream',
      calls.anthropic(true),
      { input: 100, output: 50, cacheRead: 1000, cacheWrite: 200 },
      0.0021,
    ],
    [
      'anthropic json',
      calls.anthropic(false),
      { input: 100, output: 50, cacheRead: 1000, cacheWrite: 200 },
      0.0021,
    ],
    [
      'responses stream',
      calls.responses(true),
      { input: 200, output: 300, cacheRead: 1000, cacheWrite: 0 },
      0.00525,
    ],
    [
      'responses json',
      calls.responses(false),
      { input: 200, output: 300, cacheRead: 1000, cacheWrite: 0 },
      0.00525,
    ],
    ['chat stream', calls.chat(true), { input: 600, output: 100, cacheRead: 400, cacheWrite: 0 }, 0.00044],
    ['chat json', calls.chat(false), { input: 600, output: 100, cacheRead: 400, cacheWrite: 0 }, 0.00044],
    [
      'gemini stream',
      calls.gemini(true),
      { input: 400, output: 80, cacheRead: 100, cacheWrite: 0 },
      0.001331,
    ],
    ['gemini json', calls.gemini(false), { input: 400, output: 80, cacheRead: 100, cacheWrite: 0 }, 0.001331],
  ])('%s', async (_, call, tokens, cost) => {
    await start({ pricing })
    const callsFile = join(dir, 'calls.ndjson')
    const { prefix, token } = await gateway.openCase({ caseKey: 'usage', callsFile })
    expect((await send(prefix, call)).status).toBe(200)
    const usage = await gateway.closeCase(token)
    expect(usage.calls).toBe(1)
    expect(usage.tokens).toEqual(tokens)
    expect(usage.costUsd).toBeCloseTo(cost, 12)
    expect(usage.unpricedCalls).toBe(0)
    expect(Object.values(usage.byModel)).toEqual([{ calls: 1, tokens, costUsd: usage.costUsd }])
    const [record] = (await readFile(callsFile, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(record.usage).toEqual(tokens)
    expect(record.costUsd).toBeCloseTo(cost, 12)
    expect(record.status).toBe(200)
    expect(record.request).toEqual(call.body)
    expect(record.response).toBeDefined()
    expect(gateway.runUsage().costUsd).toBeCloseTo(cost, 12)
  })

  it('a chat stream without usage counts the call and leaves its usage unknown', async () => {
    await start()
    const callsFile = join(dir, 'calls.ndjson')
    const { prefix, token } = await gateway.openCase({ caseKey: 'no-usage', callsFile })
    expect((await send(prefix, calls.chat(true, false))).status).toBe(200)
    const usage = await gateway.closeCase(token)
    expect(usage).toMatchObject({ calls: 1, unknownUsageCalls: 1, costUsd: 0 })
    expect(usage.tokens).toEqual({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 })
    const record = JSON.parse((await readFile(callsFile, 'utf8')).trim())
    expect(record.usage).toBeNull()
    expect(record.response.at(-1)).toBe('[DONE]')
  })
})

describe('what is refused', () => {
  it.each([
    ['/v1/files', 'POST'],
    ['/v1/messages/batches', 'POST'],
    ['/v1/messages/../../v1/files', 'POST'],
    ['/v1/organizations/usage', 'GET'],
    ['/v1/messages', 'GET'],
  ])('%s (%s) is 403 and never reaches the upstream', async (path, method) => {
    await start()
    const callsFile = join(dir, 'calls.ndjson')
    const { prefix, token } = await gateway.openCase({ caseKey: 'refuse', callsFile })
    const answer = await send(prefix, {
      path,
      method,
      headers: { 'x-api-key': DUMMY },
      ...(method === 'POST' ? { body: {} } : {}),
    })
    expect(answer.status).toBe(403)
    expect(JSON.parse(answer.text)).toMatchObject({ type: 'error', error: { type: 'permission_error' } })
    expect(upstream.requests).toHaveLength(0)
    const usage = await gateway.closeCase(token)
    expect(usage.refused).toBe(1)
    const record = JSON.parse((await readFile(callsFile, 'utf8')).trim())
    expect(record).toMatchObject({ refused: true, status: 403, method })
  })

  it('an unknown token is 401 and a closed case 403, neither forwarded', async () => {
    await start()
    const unknown = await send('/c/not-a-token', calls.responses(false))
    expect(unknown.status).toBe(401)
    expect(JSON.parse(unknown.text)).toMatchObject({ error: { type: 'invalid_request_error' } })
    const { prefix, token } = await gateway.openCase({ caseKey: 'closed' })
    await gateway.closeCase(token)
    const closed = await send(prefix, calls.gemini(false))
    expect(closed.status).toBe(403)
    expect(JSON.parse(closed.text)).toMatchObject({ error: { code: 403, status: 'PERMISSION_DENIED' } })
    expect((await send('', calls.anthropic(false))).status).toBe(404)
    expect(upstream.requests).toHaveLength(0)
  })

  it('a protocol without upstream is 503 naming the key to set', async () => {
    gateway = await startGateway({ upstreams: {} })
    const { prefix } = await gateway.openCase({ caseKey: 'none' })
    const answer = await send(prefix, calls.anthropic(false))
    expect(answer.status).toBe(503)
    expect(JSON.parse(answer.text).error.message).toContain('ANTHROPIC_API_KEY')
  })

  it('an unreachable upstream is a 502 in the protocol shape, counted as an error', async () => {
    gateway = await startGateway({
      upstreams: { openai: { baseUrl: 'http://127.0.0.1:9', apiKey: KEYS.openai } },
    })
    const { prefix, token } = await gateway.openCase({ caseKey: 'down' })
    const answer = await send(prefix, calls.responses(true))
    expect(answer.status).toBe(502)
    expect(JSON.parse(answer.text)).toMatchObject({
      error: { type: 'server_error', code: 'evalbox_upstream_error' },
    })
    expect(answer.text).not.toContain(KEYS.openai)
    expect(await gateway.closeCase(token)).toMatchObject({ calls: 1, errors: 1 })
  })
})

describe('admin API', () => {
  it('refuses calls without the run token, with a wrong one, and opens cases with it', async () => {
    await start()
    const anonymous = await fetch(`${gateway.url}/_evalbox/cases`, {
      method: 'POST',
      body: '{"caseKey":"x"}',
    })
    expect(anonymous.status).toBe(401)
    const wrong = await fetch(`${gateway.url}/_evalbox/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${'0'.repeat(64)}` },
      body: '{"caseKey":"x"}',
    })
    expect(wrong.status).toBe(401)
    expect(gateway.runUsage().cases).toBe(0)
    const client = gatewayClient({ url: gateway.url, adminToken: gateway.adminToken })
    const opened = await client.openCase({ caseKey: 'worker' })
    expect(opened.prefix).toBe(`/c/${opened.token}`)
    expect((await send(opened.prefix, calls.anthropic(false))).status).toBe(200)
    expect((await client.caseUsage(opened.token)).calls).toBe(1)
    const usage = await client.closeCase(opened.token)
    expect(usage.costUsd).toBeCloseTo(0.0021, 12)
    const stale = await fetch(`${gateway.url}/_evalbox/cases/${opened.token}`)
    expect(stale.status).toBe(401)
  })

  it('listens on a unix socket, mode 0666', async () => {
    const socketPath = join(dir, 'gw.sock')
    await start({ socketPath })
    expect((await stat(socketPath)).mode & 0o777).toBe(0o666)
    const { prefix } = await gateway.openCase({ caseKey: 'unix' })
    const call = calls.chat(false)
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { socketPath, path: `${prefix}${call.path}`, method: 'POST', headers: call.headers },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        },
      )
      req.on('error', reject)
      req.end(JSON.stringify(call.body))
    })
    expect(status).toBe(200)
  })
})

describe('calls file', () => {
  it('a calls file that cannot be written fails closeCase, naming it', async () => {
    await start()
    const callsFile = join(dir, 'not-a-dir', 'calls.ndjson')
    await writeFile(join(dir, 'not-a-dir'), 'a file where the folder should be')
    const { prefix, token } = await gateway.openCase({ caseKey: 'unwritable', callsFile })
    expect((await send(prefix, calls.anthropic(false))).status).toBe(200)
    await expect(gateway.closeCase(token)).rejects.toThrow(`${callsFile} could not be written`)
  })
})

describe('budgets', () => {
  it.each([
    ['anthropic', calls.anthropic(false), { type: 'error', error: { type: 'invalid_request_error' } }],
    [
      'responses',
      calls.responses(true),
      { error: { type: 'invalid_request_error', code: 'evalbox_budget_exceeded' } },
    ],
    ['gemini', calls.gemini(true), { error: { code: 400, status: 'INVALID_ARGUMENT' } }],
  ])('%s: maxModelCalls 2 refuses the third call in the protocol shape', async (_, call, shape) => {
    await start()
    const { prefix, token } = await gateway.openCase({ caseKey: 'calls', budget: { maxModelCalls: 2 } })
    expect((await send(prefix, call)).status).toBe(200)
    expect((await send(prefix, call)).status).toBe(200)
    const third = await send(prefix, call)
    expect(third.status).toBe(400)
    expect(JSON.parse(third.text)).toMatchObject(shape)
    expect(third.text).toContain('maxModelCalls (2)')
    expect(upstream.requests).toHaveLength(2)
    const usage = await gateway.closeCase(token)
    expect(usage).toMatchObject({
      calls: 2,
      refused: 1,
      budgetExceeded: { limit: 'maxModelCalls', scope: 'case' },
    })
  })

  it('maxCostUsd lets the crossing call finish and refuses the next', async () => {
    await start()
    const { prefix, token } = await gateway.openCase({ caseKey: 'cost', budget: { maxCostUsd: 0.001 } })
    expect((await send(prefix, calls.anthropic(true))).status).toBe(200)
    const next = await send(prefix, calls.anthropic(true))
    expect(JSON.parse(next.text).error.message).toBe(
      'evalbox: case budget maxCostUsd ($0.001) spent: $0.0021 used',
    )
    expect(upstream.requests).toHaveLength(1)
    expect((await gateway.closeCase(token)).budgetExceeded?.limit).toBe('maxCostUsd')
  })

  it('maxTokens counts input, output and cache', async () => {
    await start()
    const { prefix, token } = await gateway.openCase({ caseKey: 'tokens', budget: { maxTokens: 1350 } })
    await send(prefix, calls.anthropic(false))
    expect((await send(prefix, calls.anthropic(false))).status).toBe(400)
    expect((await gateway.closeCase(token)).budgetExceeded?.detail).toContain('1350 tokens used')
  })

  it('a spent run budget blocks open cases and new ones', async () => {
    await start({ budget: { maxCostUsd: 0.002 } })
    const client = gatewayClient({ url: gateway.url, adminToken: gateway.adminToken })
    const a = await client.openCase({ caseKey: 'a' })
    const b = await client.openCase({ caseKey: 'b' })
    await send(a.prefix, calls.anthropic(false))
    expect(gateway.runUsage()).toMatchObject({ spent: true, calls: 1 })
    expect((await send(b.prefix, calls.anthropic(false))).status).toBe(400)
    expect((await gateway.caseUsage(b.token)).budgetExceeded).toMatchObject({
      limit: 'maxCostUsd',
      scope: 'run',
    })
    await expect(client.openCase({ caseKey: 'c' })).rejects.toThrow(RunBudgetSpentError)
    const raw = await fetch(`${gateway.url}/_evalbox/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.adminToken}` },
      body: '{"caseKey":"d"}',
    })
    expect(raw.status).toBe(402)
    expect(await raw.json()).toMatchObject({ error: 'run_budget_spent' })
    await expect(gateway.openCase({ caseKey: 'e' })).rejects.toThrow(
      /run budget maxCostUsd \(\$0\.002\) spent/,
    )
  })
})

describe('record and replay', () => {
  const script = (content: string) => [
    calls.anthropic(true, content),
    calls.responses(false, content),
    calls.chat(true, true, content),
    calls.gemini(true, content),
    calls.anthropic(false, `${content} again`),
  ]

  it('replays byte for byte with the upstream gone, and names what a changed request changed', async () => {
    const cassette = join(dir, 'case.cassette.ndjson')
    const own = await startFakeUpstream()
    gateway = await startGateway({
      upstreams: {
        anthropic: { baseUrl: own.url, apiKey: KEYS.anthropic },
        openai: { baseUrl: own.url, apiKey: KEYS.openai },
        gemini: { baseUrl: own.url, apiKey: KEYS.gemini },
      },
    })
    const recording = await gateway.openCase({ caseKey: 'rec', cassette: { path: cassette, mode: 'record' } })
    const live: string[] = []
    for (const call of script('Fix paginate')) live.push((await send(recording.prefix, call)).text)
    const recorded = await gateway.closeCase(recording.token)
    await gateway.close()
    await own.close()
    const text = await readFile(cassette, 'utf8')
    expect(text.trim().split('\n')).toHaveLength(5)
    for (const key of Object.values(KEYS)) expect(text).not.toContain(key)
    expect(text).not.toContain(DUMMY)

    // No upstream at all: replay needs none.
    gateway = await startGateway({ upstreams: {} })
    const replaying = await gateway.openCase({ caseKey: 'rep', cassette: { path: cassette, mode: 'replay' } })
    const replayed: string[] = []
    for (const call of script('Fix paginate')) {
      const answer = await send(replaying.prefix, call)
      expect(answer.status).toBe(200)
      replayed.push(answer.text)
    }
    expect(replayed).toEqual(live)
    const usage = await gateway.closeCase(replaying.token)
    expect(usage.replay?.mismatch).toBeUndefined()
    expect(usage.costUsd).toBeCloseTo(recorded.costUsd, 12)
    expect(usage.calls).toBe(5)

    const changed = await gateway.openCase({
      caseKey: 'changed',
      cassette: { path: cassette, mode: 'replay' },
    })
    expect((await send(changed.prefix, calls.anthropic(true, 'Fix paginate'))).status).toBe(200)
    const wrong = await send(changed.prefix, calls.responses(false, 'Fix pagination'))
    expect(wrong.status).toBe(400)
    expect(JSON.parse(wrong.text).error.message).toContain(
      "input differs: recorded 'Fix paginate' vs now 'Fix pagination'",
    )
    const after = await gateway.closeCase(changed.token)
    expect(after.replay?.mismatch).toMatch(
      /^request 2: input differs: recorded 'Fix paginate' vs now 'Fix pagination'/,
    )
  })

  it('a replay of a missing cassette fails at openCase, naming the file', async () => {
    gateway = await startGateway({ upstreams: {} })
    const path = join(dir, 'missing.ndjson')
    await expect(gateway.openCase({ caseKey: 'm', cassette: { path, mode: 'replay' } })).rejects.toThrow(path)
  })
})
