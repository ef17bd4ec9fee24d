import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the fake upstream received. */
export interface UpstreamRequest {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
}

export interface FakeUpstream {
  url: string
  requests: UpstreamRequest[]
  /** Requests whose connection closed before the answer ended (client aborts). */
  aborted: number
  close(): Promise<void>
}

const sse = (events: readonly { event?: string; data: unknown }[]) =>
  events
    .map(
      ({ event, data }) =>
        `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`,
    )
    .join('')

/** Anthropic: 100 uncached in, 200 cache writes, 1000 cache reads, 50 out, on claude-sonnet-4-5. */
export const ANTHROPIC_MODEL = 'claude-sonnet-4-5-20250929'
const anthropicUsageStart = {
  input_tokens: 100,
  cache_creation_input_tokens: 200,
  cache_read_input_tokens: 1000,
  output_tokens: 1,
}

function anthropicEvents(text: string) {
  return [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        message: {
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          model: ANTHROPIC_MODEL,
          content: [],
          usage: anthropicUsageStart,
        },
      },
    },
    {
      event: 'content_block_start',
      data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    },
    {
      event: 'content_block_delta',
      data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
    },
    { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
    {
      event: 'message_delta',
      data: { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 50 } },
    },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ]
}

const responsesUsage = {
  input_tokens: 1200,
  input_tokens_details: { cached_tokens: 1000 },
  output_tokens: 300,
}
function responsesEvents(text: string) {
  const response = { id: 'resp_1', object: 'response', model: 'gpt-5.4-2026-03-05', status: 'in_progress' }
  return [
    { event: 'response.created', data: { type: 'response.created', response } },
    { event: 'response.output_text.delta', data: { type: 'response.output_text.delta', delta: text } },
    {
      event: 'response.completed',
      data: {
        type: 'response.completed',
        response: { ...response, status: 'completed', usage: responsesUsage },
      },
    },
  ]
}

const chatUsage = {
  prompt_tokens: 1000,
  completion_tokens: 100,
  prompt_tokens_details: { cached_tokens: 400 },
}
function chatChunks(text: string, withUsage: boolean) {
  const chunk = { id: 'chatcmpl-1', object: 'chat.completion.chunk', model: 'gpt-4.1-mini-2025-04-14' }
  return [
    { data: { ...chunk, choices: [{ index: 0, delta: { role: 'assistant', content: text } }] } },
    { data: { ...chunk, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] } },
    ...(withUsage ? [{ data: { ...chunk, choices: [], usage: chatUsage } }] : []),
    { data: '[DONE]' },
  ]
}

const geminiUsage = {
  promptTokenCount: 500,
  cachedContentTokenCount: 100,
  candidatesTokenCount: 50,
  thoughtsTokenCount: 30,
}
function geminiChunks(text: string) {
  return [
    {
      data: {
        candidates: [{ content: { role: 'model', parts: [{ text }] } }],
        usageMetadata: { promptTokenCount: 500, candidatesTokenCount: 1 },
        modelVersion: 'gemini-2.5-pro',
      },
    },
    {
      data: {
        candidates: [{ content: { role: 'model', parts: [{ text: '.' }] }, finishReason: 'STOP' }],
        usageMetadata: geminiUsage,
        modelVersion: 'gemini-2.5-pro',
      },
    },
  ]
}

/** The answer text: `echo-key` makes the upstream echo the key it got (a leak to scrub). */
function answerText(body: Record<string, unknown>, headers: IncomingHttpHeaders): string {
  const text = JSON.stringify(body)
  if (text.includes('echo-key'))
    return `your key is ${String(headers['x-api-key'] ?? headers.authorization ?? headers['x-goog-api-key'])}`
  return 'Done.'
}

async function writeSlowly(res: ServerResponse, text: string, pauseMs: number): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
  const events = text.split(/(?<=\n\n)/)
  res.write(events[0])
  if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs))
  for (const event of events.slice(1)) res.write(event)
  res.end()
}

/**
 * A real HTTP upstream on 127.0.0.1 speaking the four APIs with hand-written answers shaped like
 * the providers' (usage numbers above), recording what it received. A request body containing
 * `slow` gets its first event, a 300 ms pause, then the rest.
 */
export async function startFakeUpstream(): Promise<FakeUpstream> {
  const requests: UpstreamRequest[] = []
  const state = { aborted: 0 }
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body })
    res.on('close', () => {
      if (!res.writableFinished) state.aborted++
    })
    const json = (body ? JSON.parse(body) : {}) as Record<string, unknown>
    const text = answerText(json, req.headers)
    const pause = body.includes('slow') ? 300 : 0
    const hang = body.includes('hang')
    const path = (req.url ?? '').split('?')[0]!
    const send = (value: unknown, status = 200) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(value))
    }
    if (body.includes('overloaded')) {
      const events = anthropicEvents(text).slice(0, 1)
      events.push({
        event: 'error',
        data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      } as never)
      return writeSlowly(res, sse(events), 0)
    }
    if (body.includes('die')) {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(sse(anthropicEvents(text)).split('\n\n')[0]!.concat('\n\n'))
      setTimeout(() => res.destroy(), 20)
      return
    }
    if (hang) {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(sse(anthropicEvents(text)).split('\n\n')[0]!.concat('\n\n'))
      return
    }
    if (path === '/v1/messages') {
      if (json.stream) return writeSlowly(res, sse(anthropicEvents(text)), pause)
      return send({
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: ANTHROPIC_MODEL,
        content: [{ type: 'text', text }],
        stop_reason: 'end_turn',
        usage: { ...anthropicUsageStart, output_tokens: 50 },
      })
    }
    if (path === '/v1/responses') {
      if (json.stream) return writeSlowly(res, sse(responsesEvents(text)), pause)
      return send({
        id: 'resp_1',
        object: 'response',
        model: 'gpt-5.4-2026-03-05',
        output: [{ type: 'message', content: [{ type: 'output_text', text }] }],
        usage: responsesUsage,
      })
    }
    if (path === '/v1/chat/completions') {
      const includeUsage =
        (json.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true
      if (json.stream) return writeSlowly(res, sse(chatChunks(text, includeUsage)), pause)
      return send({
        id: 'chatcmpl-1',
        object: 'chat.completion',
        model: 'gpt-4.1-mini-2025-04-14',
        choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
        usage: chatUsage,
      })
    }
    if (path.endsWith(':streamGenerateContent')) return writeSlowly(res, sse(geminiChunks(text)), pause)
    if (path.endsWith(':generateContent'))
      return send({
        candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP' }],
        usageMetadata: geminiUsage,
        modelVersion: 'gemini-2.5-pro',
      })
    send({ error: { message: `fake upstream: no route ${path}` } }, 404)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get aborted() {
      return state.aborted
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
