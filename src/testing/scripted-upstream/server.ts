import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { UpstreamProtocolName } from './protocol.ts'
import { PROTOCOLS } from './protocols.ts'
import { type ConversationView, type Reply, replyFor, replyUsage, type UpstreamScript } from './script.ts'
import { sendJson } from './sse.ts'

/** Options of {@link startScriptedUpstream}. */
export interface ScriptedUpstreamOptions {
  /**
   * One script for every run, or scripts by name: a request plays the script whose name
   * appears in the conversation's user text (the longest name wins), so each case's prompt
   * picks its own.
   */
  readonly scripts: UpstreamScript | Readonly<Record<string, UpstreamScript>>
  /** When set, requests must carry this key (`x-api-key`, a bearer token or `x-goog-api-key`). */
  readonly apiKey?: string
}

/** One request the upstream answered. */
export interface UpstreamCall {
  readonly protocol: UpstreamProtocolName | 'unknown'
  readonly method: string
  readonly path: string
  readonly status: number
  readonly model?: string
  readonly stream?: boolean
  /** The script played, by name (`'default'` for a single script). */
  readonly script?: string
  readonly toolResults?: number
  readonly reply?: Reply
  /** The tokens the reply reported. */
  readonly tokens?: { input: number; output: number }
  readonly headers: Readonly<Record<string, string>>
  readonly body: unknown
}

/** A scripted model API on 127.0.0.1. */
export interface ScriptedUpstream extends AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:41234` (protocol paths go under it). */
  readonly url: string
  /** Every request, in order. */
  readonly calls: UpstreamCall[]
  /** The next `times` model requests get `status` in the protocol's error shape. */
  fail(times?: number, status?: number): void
  close(): Promise<void>
}

function pickScript(
  scripts: ScriptedUpstreamOptions['scripts'],
  view: ConversationView,
): [string, UpstreamScript] | undefined {
  if ('steps' in scripts && Array.isArray(scripts.steps)) return ['default', scripts as UpstreamScript]
  const named = Object.entries(scripts as Readonly<Record<string, UpstreamScript>>)
  named.sort(([a], [b]) => b.length - a.length)
  return named.find(([name]) => view.userText.includes(name))
}

function givenKey(req: IncomingMessage): string | undefined {
  const bearer = req.headers.authorization?.replace(/^Bearer\s+/i, '')
  const header = (name: string) => {
    const value = req.headers[name]
    return Array.isArray(value) ? value[0] : value
  }
  return header('x-api-key') ?? header('x-goog-api-key') ?? bearer
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/**
 * Starts a model API on 127.0.0.1 (a free port) that speaks Anthropic Messages, OpenAI
 * Responses, OpenAI Chat Completions and Gemini, streaming and not, and plays scripts: each
 * request gets the step after those whose tool results the conversation already holds,
 * bound to the tools the request offers (a shell step becomes `Bash`, `run_shell_command`,
 * `shell`… whichever the agent has). Stateless across requests, so retries and parallel
 * runs are fine. Test support: real agent CLIs run real tool loops against it, offline.
 */
export async function startScriptedUpstream(options: ScriptedUpstreamOptions): Promise<ScriptedUpstream> {
  const calls: UpstreamCall[] = []
  let failures = { times: 0, status: 500 }
  let nextId = 0

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req)
    const method = req.method ?? 'GET'
    const path = (req.url ?? '/').split('?')[0]!
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(req.headers))
      headers[name] = Array.isArray(value) ? value.join(', ') : (value ?? '')
    let body: unknown
    try {
      body = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined
    } catch {
      body = raw.toString('utf8')
    }
    const protocol = PROTOCOLS.find((candidate) => candidate.matches(method, path))
    const call = (status: number, more: Partial<UpstreamCall> = {}) =>
      calls.push({ protocol: protocol?.name ?? 'unknown', method, path, status, headers, body, ...more })
    if (!protocol) {
      call(404)
      return sendJson(res, 404, { error: { message: `scripted upstream: no route ${method} ${path}` } })
    }
    if (options.apiKey !== undefined && givenKey(req) !== options.apiKey) {
      call(401)
      return protocol.sendError(res, 401, 'scripted upstream: invalid API key')
    }
    const direct = protocol.direct?.(method, path, body, raw.length)
    if (direct !== undefined) {
      call(200)
      return sendJson(res, 200, direct)
    }
    if (failures.times > 0) {
      failures.times--
      call(failures.status)
      return protocol.sendError(res, failures.status, 'scripted upstream: failing on purpose')
    }
    const view = protocol.read(body, path)
    const picked = pickScript(options.scripts, view)
    if (!picked) {
      call(400, { model: view.model, stream: view.stream })
      const names = Object.keys(options.scripts).join(', ')
      return protocol.sendError(
        res,
        400,
        `scripted upstream: no script name (${names}) appears in the prompt`,
      )
    }
    const [script, steps] = picked
    const reply = replyFor(steps, view, `call_${++nextId}`)
    const tokens = replyUsage(raw.length, reply)
    call(200, {
      model: view.model,
      stream: view.stream,
      script,
      toolResults: view.toolResults,
      reply,
      tokens,
    })
    protocol.send(res, reply, view, tokens)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: `scripted upstream: ${String(error)}` } })
      else res.destroy()
    })
  })
  // An agent reuses its connection after seconds spent running a tool; at Node's default
  // 5 s the server may close the socket just as the request goes out ("Connection error").
  // close() ends every connection anyway.
  server.keepAliveTimeout = 10 * 60_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
    return closing
  }
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    fail: (times = 1, status = 500) => {
      failures = { times, status }
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}
