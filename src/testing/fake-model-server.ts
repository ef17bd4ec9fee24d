import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { errorBody, type FakeAnswer, type RecordedRequest, successBody } from './fake-model-bodies.ts'

export type { FakeAnswer, RecordedRequest } from './fake-model-bodies.ts'

/** A queue of answers (then `defaultAnswer`), or a function of the request. */
export type FakeScript =
  | readonly FakeAnswer[]
  | ((request: RecordedRequest, index: number) => FakeAnswer | Promise<FakeAnswer>)

/** Options of `startFakeModelServer`. */
export interface FakeModelServerOptions {
  readonly answers?: FakeScript
  /** @default { text: 'ok' } */
  readonly defaultAnswer?: FakeAnswer
  /** When set, requests without this key get 401. */
  readonly apiKey?: string
}

/** Headers sent with each scripted 429. */
export interface RateLimitOptions {
  readonly retryAfterSeconds?: number
  readonly retryAfterMs?: number
}

/** A fake Anthropic + OpenAI-compatible model API on 127.0.0.1. */
export interface FakeModelServer extends AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string
  /** Every request received, in order (rate-limited and failed ones included). */
  readonly requests: RecordedRequest[]
  /** Appends answers to the queue (when the script is a queue). */
  enqueue(...answers: FakeAnswer[]): void
  /** The next `times` requests get 429 with the given retry headers. */
  rateLimit(times: number, options?: RateLimitOptions): void
  /** The next `times` requests (after any rate limits) get `status` (a 5xx). */
  fail(times?: number, status?: number): void
  /** The next `times` requests get their connection destroyed (a network error). */
  drop(times?: number): void
  close(): Promise<void>
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * Starts a fake model API on 127.0.0.1 (a free port) speaking `/v1/messages` and
 * `/v1/chat/completions`. It answers from a script, can be told to rate-limit, fail or
 * drop connections for the next N requests, records every request, and closes cleanly.
 */
export async function startFakeModelServer(options: FakeModelServerOptions = {}): Promise<FakeModelServer> {
  const requests: RecordedRequest[] = []
  const queue: FakeAnswer[] = Array.isArray(options.answers) ? [...options.answers] : []
  const script = typeof options.answers === 'function' ? options.answers : undefined
  let rateLimits: { times: number; options: RateLimitOptions } = { times: 0, options: {} }
  let failures = { times: 0, status: 500 }
  let drops = 0
  const timers = new Set<NodeJS.Timeout>()

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawBody = await readBody(req)
    let body: unknown
    try {
      body = JSON.parse(rawBody)
    } catch {
      body = undefined
    }
    const path = (req.url ?? '/').split('?')[0]!
    const protocol = path.endsWith('/messages')
      ? 'anthropic'
      : path.endsWith('/chat/completions')
        ? 'openai'
        : 'unknown'
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(req.headers))
      headers[name] = Array.isArray(value) ? value.join(', ') : (value ?? '')
    const request: RecordedRequest = { method: req.method ?? 'GET', path, protocol, headers, body, rawBody }
    const index = requests.push(request) - 1

    if (drops > 0) {
      drops--
      req.socket.destroy()
      return
    }
    if (protocol === 'unknown' || req.method !== 'POST')
      return send(res, 404, errorBody(protocol, 404, `No route ${path}`))
    if (options.apiKey !== undefined) {
      const given =
        protocol === 'openai' ? headers.authorization?.replace(/^Bearer /, '') : headers['x-api-key']
      if (given !== options.apiKey) return send(res, 401, errorBody(protocol, 401, 'invalid x-api-key'))
    }
    if (rateLimits.times > 0) {
      rateLimits.times--
      const retry: Record<string, string> = {}
      if (rateLimits.options.retryAfterSeconds !== undefined)
        retry['retry-after'] = String(rateLimits.options.retryAfterSeconds)
      if (rateLimits.options.retryAfterMs !== undefined)
        retry['retry-after-ms'] = String(rateLimits.options.retryAfterMs)
      return send(res, 429, errorBody(protocol, 429, 'Rate limited (fake)'), retry)
    }
    if (failures.times > 0) {
      failures.times--
      return send(res, failures.status, errorBody(protocol, failures.status, 'Internal error (fake)'))
    }
    const answer = script ? await script(request, index) : (queue.shift() ?? options.defaultAnswer ?? {})
    const reply = () => {
      const status = answer.status ?? 200
      if (answer.body !== undefined) return send(res, status, answer.body, answer.headers)
      if (status >= 400)
        return send(res, status, errorBody(protocol, status, answer.error ?? 'error (fake)'), answer.headers)
      send(res, status, successBody(request, answer), answer.headers)
    }
    if (!answer.delayMs) return reply()
    const timer = setTimeout(() => {
      timers.delete(timer)
      reply()
    }, answer.delayMs)
    timers.add(timer)
    res.on('close', () => {
      clearTimeout(timer)
      timers.delete(timer)
    })
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: { message: `fake server: ${String(error)}` } })
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  let closing: Promise<void> | undefined

  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      server.close(() => resolve())
      server.closeAllConnections()
    })
    return closing
  }

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...answers) => void queue.push(...answers),
    rateLimit: (times, rateOptions = {}) => {
      rateLimits = { times, options: rateOptions }
    },
    fail: (times = 1, status = 500) => {
      failures = { times, status }
    },
    drop: (times = 1) => {
      drops = times
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}
