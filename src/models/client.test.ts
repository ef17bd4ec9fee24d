import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EvalboxError } from '../core/errors.ts'
import { type FakeModelServer, startFakeModelServer } from '../testing/fake-model-server.ts'
import { createModelClient } from './client.ts'
import type { ModelClientOptions } from './types.ts'

const KEY = 'sk-test-0123456789abcdefSECRET'
const ask = { messages: [{ role: 'user' as const, content: 'Is 2 + 2 = 4? Answer yes or no.' }] }

let server: FakeModelServer
let cacheDir: string

beforeEach(async () => {
  server = await startFakeModelServer()
  cacheDir = await mkdtemp(join(tmpdir(), 'evalbox-models-'))
})

afterEach(async () => {
  await server.close()
  await rm(cacheDir, { recursive: true, force: true })
})

function client(options: ModelClientOptions = {}) {
  return createModelClient({
    provider: 'anthropic',
    model: 'claude-sonnet-4-6',
    baseUrl: server.url,
    apiKey: KEY,
    cacheDir,
    env: {},
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...options,
  })
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected the promise to reject')
}

describe('protocols', () => {
  it('speaks the Anthropic Messages API and prices its usage', async () => {
    server.enqueue({ text: 'yes', usage: { input: 1000, output: 500, cacheRead: 2000, cacheWrite: 100 } })
    const result = await client().complete({
      ...ask,
      system: 'You are a judge.',
      maxTokens: 64,
      temperature: 0,
    })
    const [request] = server.requests
    expect(request).toMatchObject({ method: 'POST', path: '/v1/messages', protocol: 'anthropic' })
    expect(request!.headers).toMatchObject({ 'x-api-key': KEY, 'anthropic-version': '2023-06-01' })
    expect(request!.headers['content-type']).toMatch(/^application\/json/)
    expect(request!.body).toEqual({
      model: 'claude-sonnet-4-6',
      max_tokens: 64,
      system: 'You are a judge.',
      messages: ask.messages,
      temperature: 0,
    })
    expect(result).toMatchObject({
      text: 'yes',
      model: 'claude-sonnet-4-6',
      usage: { input: 1000, output: 500, cacheRead: 2000, cacheWrite: 100 },
      priced: true,
      cached: false,
      stopReason: 'end_turn',
    })
    // 1000×$3 + 500×$15 + 2000×$0.30 + 100×$3.75 per million
    expect(result.costUsd).toBeCloseTo(0.011475, 12)
  })

  it('speaks OpenAI chat completions and prices its usage (cached tokens split out)', async () => {
    server.enqueue({
      body: {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        model: 'gpt-4.1-2025-04-14',
        choices: [{ index: 0, message: { role: 'assistant', content: 'no' }, finish_reason: 'stop' }],
        usage: {
          prompt_tokens: 3000,
          completion_tokens: 500,
          total_tokens: 3500,
          prompt_tokens_details: { cached_tokens: 2000 },
        },
      },
    })
    const openai = client({ provider: 'openai', model: 'gpt-4.1' })
    const result = await openai.complete({ ...ask, system: 'Be terse.' })
    const [request] = server.requests
    expect(request).toMatchObject({ path: '/v1/chat/completions', protocol: 'openai' })
    expect(request!.headers.authorization).toBe(`Bearer ${KEY}`)
    expect(request!.headers['x-api-key']).toBeUndefined()
    expect(request!.body).toEqual({
      model: 'gpt-4.1',
      messages: [{ role: 'system', content: 'Be terse.' }, ...ask.messages],
      max_tokens: 4096,
    })
    expect(result).toMatchObject({
      text: 'no',
      model: 'gpt-4.1-2025-04-14',
      stopReason: 'stop',
      priced: true,
    })
    expect(result.usage).toEqual({ input: 1000, output: 500, cacheRead: 2000 })
    // 1000×$2 + 500×$8 + 2000×$0.50 per million
    expect(result.costUsd).toBeCloseTo(0.007, 12)
  })

  it('marks a model missing from the pricing table as unpriced, and accepts price overrides', async () => {
    const unknown = await client({ model: 'my-local-model' }).complete(ask)
    expect(unknown).toMatchObject({ costUsd: 0, priced: false })
    server.enqueue({ usage: { input: 1_000_000, output: 0 } })
    const custom = await client({
      model: 'my-local-model',
      pricing: { 'my-local-model': { input: 2, output: 4 } },
    }).complete({
      ...ask,
      maxTokens: 10,
    })
    expect(custom).toMatchObject({ costUsd: 2, priced: true })
  })
})

describe('retries', () => {
  it('retries 429 with retry-after, then succeeds', async () => {
    server.rateLimit(2, { retryAfterMs: 5 })
    const result = await client().complete(ask)
    expect(result.text).toBe('ok')
    expect(server.requests).toHaveLength(3)
  })

  it('honours retry-after in seconds', async () => {
    server.rateLimit(1, { retryAfterSeconds: 0 })
    await client().complete(ask)
    expect(server.requests).toHaveLength(2)
  })

  it('retries a 500 and a 529', async () => {
    server.fail(1, 500)
    await client().complete(ask)
    expect(server.requests).toHaveLength(2)
    server.fail(1, 529)
    await client({ cache: false }).complete(ask)
    expect(server.requests).toHaveLength(4)
  })

  it('retries a dropped connection', async () => {
    server.drop(1)
    const result = await client().complete(ask)
    expect(result.text).toBe('ok')
    expect(server.requests).toHaveLength(2)
  })

  it('gives up after maxAttempts with the status in the message', async () => {
    server.rateLimit(10, { retryAfterMs: 1 })
    const error = await rejection(client({ retry: { maxAttempts: 3, baseDelayMs: 1 } }).complete(ask))
    expect(error).toBeInstanceOf(EvalboxError)
    expect((error as EvalboxError).code).toBe('MODEL_API_ERROR')
    expect(error.message).toMatch(/429 Too Many Requests: Rate limited \(fake\) \(rate_limit_error\)/)
    expect(error.message).toContain('after 3 attempt(s)')
    expect(server.requests).toHaveLength(3)
  })

  it('reports an unreachable server after its attempts', async () => {
    const url = server.url
    await server.close()
    const error = await rejection(
      client({ baseUrl: url, retry: { maxAttempts: 2, baseDelayMs: 1 } }).complete(ask),
    )
    expect((error as EvalboxError).code).toBe('MODEL_API_ERROR')
    expect(error.message).toMatch(
      /Could not reach the model API at http:\/\/127\.0\.0\.1:\d+\/v1\/messages after 2/,
    )
  })
})

describe('errors', () => {
  it('fails a 400 at once, naming status, provider message and URL, never the key', async () => {
    server.enqueue({ status: 400, error: 'max_tokens: Field required' })
    const error = await rejection(client().complete(ask))
    expect((error as EvalboxError).code).toBe('MODEL_API_ERROR')
    expect(error.message).toContain(`POST ${server.url}/v1/messages failed with 400 Bad Request`)
    expect(error.message).toContain('max_tokens: Field required (invalid_request_error)')
    expect(error.message).not.toContain(KEY)
    expect(server.requests).toHaveLength(1)
  })

  it('redacts the key when the provider echoes it back', async () => {
    server.enqueue({ status: 401, error: `Incorrect API key provided: ${KEY}` })
    const error = await rejection(client({ provider: 'openai', model: 'gpt-5-mini' }).complete(ask))
    expect(error.message).toContain('Incorrect API key provided: [REDACTED:API_KEY]')
    expect(error.message).toContain('Check the API key')
    expect(error.message).not.toContain(KEY)
  })

  it('asks for an API key only when a call must reach the API', async () => {
    const keyless = client({ apiKey: undefined })
    const error = await rejection(keyless.complete(ask))
    expect((error as EvalboxError).code).toBe('INVALID_OPTIONS')
    expect(error.message).toContain('ANTHROPIC_API_KEY')
    expect(server.requests).toHaveLength(0)
    await client().complete(ask)
    expect((await keyless.complete(ask)).cached).toBe(true)
  })

  it('rejects malformed messages with the value', async () => {
    const error = await rejection(
      client().complete({ messages: [{ role: 'system', content: 'x' }] } as never),
    )
    expect((error as EvalboxError).code).toBe('INVALID_OPTIONS')
    expect(error.message).toContain('"role":"system"')
  })
})

describe('cache and spend', () => {
  it('answers a repeated request from the cache at no cost', async () => {
    server.enqueue({ text: 'yes', usage: { input: 100, output: 10 } })
    const judge = client()
    const first = await judge.complete(ask)
    const second = await judge.complete(ask)
    expect(server.requests).toHaveLength(1)
    expect(first.cached).toBe(false)
    expect(second).toMatchObject({ text: 'yes', cached: true, costUsd: 0, originalCostUsd: first.costUsd })
    expect(first.costUsd).toBeGreaterThan(0)
    expect(judge.spend).toEqual({
      calls: 2,
      cachedCalls: 1,
      inputTokens: 100,
      outputTokens: 10,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      usd: first.costUsd,
    })
    // A new client reads the same files.
    expect((await client().complete(ask)).cached).toBe(true)
    expect(server.requests).toHaveLength(1)
  })

  it('misses when anything that decides the answer changes', async () => {
    const judge = client()
    await judge.complete(ask)
    await judge.complete({ ...ask, temperature: 0 })
    await judge.complete({ ...ask, system: 'x' })
    await judge.complete({ ...ask, model: 'claude-haiku-4-5' })
    expect(server.requests).toHaveLength(4)
  })

  it('shares one request between identical concurrent calls', async () => {
    server.enqueue({ text: 'once', delayMs: 50 })
    const judge = client()
    const results = await Promise.all([judge.complete(ask), judge.complete(ask)])
    expect(server.requests).toHaveLength(1)
    expect(results.map((r) => r.cached).sort()).toEqual([false, true])
  })

  it('is off with cache: false, with EVALBOX_NO_CACHE=1, or per call', async () => {
    await client({ cache: false }).complete(ask)
    await client({ cache: false }).complete(ask)
    await client({ env: { EVALBOX_NO_CACHE: '1' } }).complete(ask)
    await client({ env: { EVALBOX_NO_CACHE: '1' } }).complete(ask)
    expect(server.requests).toHaveLength(4)
    expect(await readdir(cacheDir)).toEqual([])
    await client().complete({ ...ask, cache: false })
    expect(await readdir(cacheDir)).toEqual([])
  })

  it('never stores the API key', async () => {
    const judge = client()
    await judge.complete(ask)
    await judge.complete({ ...ask, system: 'judge', temperature: 0 })
    await client({ provider: 'openai', model: 'gpt-5-mini' }).complete(ask)
    const files = await readdir(cacheDir)
    expect(files).toHaveLength(3)
    for (const file of files) {
      expect(file).toMatch(/^[0-9a-f]{64}\.json$/)
      const text = await readFile(join(cacheDir, file), 'utf8')
      expect(text).toContain('"response"')
      expect(text).not.toContain(KEY)
      expect(text).not.toContain('0123456789abcdef')
    }
  })
})

describe('abort', () => {
  it('aborts a request in flight', async () => {
    server.enqueue({ delayMs: 30_000 })
    const controller = new AbortController()
    const pending = client().complete({ ...ask, signal: controller.signal })
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    controller.abort()
    const error = await rejection(pending)
    expect(error.name).toBe('AbortError')
  })

  it('aborts while waiting to retry, and before sending', async () => {
    server.rateLimit(5, { retryAfterMs: 30_000 })
    const controller = new AbortController()
    const pending = client({ retry: { maxRetryAfterMs: 60_000 } }).complete({
      ...ask,
      signal: controller.signal,
    })
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    controller.abort(new Error('stop now'))
    expect((await rejection(pending)).message).toBe('stop now')
    expect(server.requests).toHaveLength(1)
    const error = await rejection(client().complete({ ...ask, signal: AbortSignal.abort() }))
    expect(error.name).toBe('AbortError')
    expect(server.requests).toHaveLength(1)
  })
})
