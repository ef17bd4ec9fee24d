import { describe, expect, it } from 'vitest'
import { startFakeModelServer } from './fake-model-server.ts'

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })

describe('startFakeModelServer', () => {
  it('answers from a function of the request and records headers and body', async () => {
    await using server = await startFakeModelServer({
      answers: (request, index) => ({ text: `#${index} ${(request.body as { model: string }).model}` }),
    })
    const response = await post(
      `${server.url}/v1/chat/completions`,
      { model: 'gpt-x', messages: [] },
      { 'x-trace': 't1' },
    )
    const json = (await response.json()) as { choices: { message: { content: string } }[] }
    expect(json.choices[0]!.message.content).toBe('#0 gpt-x')
    expect(server.requests[0]).toMatchObject({
      protocol: 'openai',
      headers: { 'x-trace': 't1' },
      body: { model: 'gpt-x' },
    })
  })

  it('checks the key when given one, 404s unknown routes, and closes twice without error', async () => {
    const server = await startFakeModelServer({ apiKey: 'sk-right-key' })
    expect((await post(`${server.url}/v1/messages`, {}, { 'x-api-key': 'sk-wrong' })).status).toBe(401)
    const ok = await post(`${server.url}/v1/messages`, { model: 'c' }, { 'x-api-key': 'sk-right-key' })
    expect(ok.status).toBe(200)
    expect(((await ok.json()) as { content: { text: string }[] }).content[0]!.text).toBe('ok')
    expect((await post(`${server.url}/v2/other`, {})).status).toBe(404)
    await server.close()
    await server.close()
    await expect(post(`${server.url}/v1/messages`, {})).rejects.toThrow()
  })

  it('sends rate-limit headers in the protocol error shape', async () => {
    await using server = await startFakeModelServer()
    server.rateLimit(1, { retryAfterSeconds: 2, retryAfterMs: 1500 })
    const response = await post(`${server.url}/v1/messages`, {})
    expect(response.status).toBe(429)
    expect(response.headers.get('retry-after')).toBe('2')
    expect(response.headers.get('retry-after-ms')).toBe('1500')
    expect(await response.json()).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'Rate limited (fake)' },
    })
    expect((await post(`${server.url}/v1/messages`, {})).status).toBe(200)
  })
})
