import { randomBytes } from 'node:crypto'
import { chmod, rm } from 'node:fs/promises'
import {
  type ClientRequest,
  createServer,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import type { AddressInfo } from 'node:net'
import { isAbsolute } from 'node:path'
import { describeValue, EvalboxError, errorMessage } from '../core/errors.ts'
import { DEFAULT_PRICING } from '../core/pricing.ts'
import { redactJson } from '../core/secrets/deep.ts'
import { redactorOf, type Secret } from '../core/secrets/redact.ts'
import { CaseAccount, RunAccount } from './account.ts'
import { createAdminHandler } from './admin.ts'
import { type CallRecord, EventLog, recordedBody } from './calls.ts'
import {
  bodyField,
  type CassetteEntry,
  createReplayer,
  loadCassette,
  normaliseRequest,
  requestHash,
} from './cassette.ts'
import { upstreamsFromEnv } from './config.ts'
import { RunBudgetSpentError } from './errors.ts'
import { BodyTooLarge, endToEnd, parseJson, readBody, sendJson } from './http-util.ts'
import { closeServer, listenOn } from './listen.ts'
import { createOrderedWriter, type OrderedWriter } from './ordered-writer.ts'
import {
  authHeader,
  CLIENT_AUTH_HEADERS,
  errorBody,
  guessProtocol,
  type Route,
  routeOf,
  upstreamFor,
  upstreamUrl,
} from './protocols.ts'
import { serveEntry } from './replay.ts'
import { createScrubber } from './scrub.ts'
import { createSseParser, eventObject } from './sse.ts'
import type {
  CaseUsage,
  Gateway,
  GatewayCore,
  GatewayOptions,
  OpenCaseOptions,
  OpenedCase,
  ProtocolName,
  Upstreams,
} from './types.ts'
import { cleanModel, createUsageReader } from './usage-reader.ts'

/** Requests to models are big (whole conversations) but not this big. */
const MAX_REQUEST_BODY = 64 * 1024 * 1024
/** A non-streamed answer is kept up to this size to read its usage; past it, usage is unknown. */
const MAX_PARSED_ANSWER = 16 * 1024 * 1024

interface CaseState {
  readonly token: string
  readonly caseKey: string
  readonly account: CaseAccount
  closed: boolean
  seq: number
  /** Requests matched against the cassette so far, for "request n" in mismatches. */
  replayed: number
  readonly calls?: OrderedWriter
  readonly record?: OrderedWriter
  /** Dropped at close: a cassette can be large and closed cases stay in the map for their usage. */
  replay?: ReturnType<typeof createReplayer>
  /** In-flight calls: aborted and awaited by `closeCase`. */
  readonly inflight: Set<{ abort(): void; done: Promise<void> }>
}

function validateUpstreams(upstreams: Upstreams): void {
  for (const [name, upstream] of Object.entries(upstreams)) {
    if (upstream === undefined) continue
    let url: URL | undefined
    try {
      url = new URL(upstream.baseUrl)
    } catch {}
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
      throw new EvalboxError(
        'INVALID_OPTIONS',
        `upstreams.${name}.baseUrl is ${describeValue(upstream.baseUrl)}; give an http(s) URL such as https://api.anthropic.com`,
      )
    if (typeof upstream.apiKey !== 'string' || upstream.apiKey === '')
      throw new EvalboxError(
        'INVALID_OPTIONS',
        `upstreams.${name}.apiKey is ${describeValue(upstream.apiKey)}; give the provider's API key`,
      )
  }
}

function validateCase(options: OpenCaseOptions): void {
  const fail = (message: string) => new EvalboxError('INVALID_OPTIONS', `openCase: ${message}`)
  if (typeof options?.caseKey !== 'string' || options.caseKey === '')
    throw fail(`caseKey is ${describeValue(options?.caseKey)}; give the case's name`)
  if (
    options.callsFile !== undefined &&
    (typeof options.callsFile !== 'string' || !isAbsolute(options.callsFile))
  )
    throw fail(`callsFile is ${describeValue(options.callsFile)}; give an absolute path`)
  for (const limit of ['maxCostUsd', 'maxTokens', 'maxModelCalls'] as const) {
    const value = options.budget?.[limit]
    if (value !== undefined && (typeof value !== 'number' || !(value >= 0)))
      throw fail(`budget.${limit} is ${describeValue(value)}; give a number ≥ 0 or leave it out`)
  }
  const cassette = options.cassette
  if (cassette !== undefined) {
    if (typeof cassette.path !== 'string' || !isAbsolute(cassette.path))
      throw fail(`cassette.path is ${describeValue(cassette.path)}; give an absolute path`)
    if (cassette.mode !== 'record' && cassette.mode !== 'replay')
      throw fail(`cassette.mode is ${describeValue(cassette.mode)}; give 'record' or 'replay'`)
  }
}

/** Drops the client's `key=` (Gemini's query-string key): it is the dummy, never forwarded. */
function cleanQuery(query: string): string {
  if (query === '' || query === '?') return ''
  const params = new URLSearchParams(query.slice(1))
  params.delete('key')
  const rest = params.toString()
  return rest === '' ? '' : `?${rest}`
}

/**
 * The gateway without its servers: the request handler and the in-process API. A run that
 * listens before it knows whether any agent will call a model builds this on the first
 * request (`src/run/model-gateway.ts`); {@link startGateway} is this plus its servers.
 */
export function createGateway(options: GatewayOptions = {}): GatewayCore {
  const upstreams = options.upstreams ?? upstreamsFromEnv(process.env)
  validateUpstreams(upstreams)
  const pricing = { ...DEFAULT_PRICING, ...options.pricing }
  const log = options.log ?? (() => {})
  const keys: Secret[] = []
  for (const [name, upstream] of Object.entries(upstreams))
    if (upstream) keys.push({ name: `${name} api key`, value: upstream.apiKey })
  const redactor = redactorOf([
    ...keys,
    ...(options.secrets ?? []).map((value) => ({ name: 'secret', value })),
  ])
  const keyValues = keys.map((key) => key.value)
  const adminToken = options.adminToken ?? randomBytes(32).toString('hex')
  const run = new RunAccount(options.budget)
  const cases = new Map<string, CaseState>()
  const agents = {
    http: new HttpAgent({ keepAlive: true }),
    https: new HttpsAgent({ keepAlive: true }),
  }

  /** One redacted NDJSON line: each string redacted on its own, so the JSON stays valid. */
  const line = (record: unknown) => JSON.stringify(redactJson(record, redactor))

  function writeCall(state: CaseState, record: CallRecord): void {
    state.calls?.append(line(record))
  }

  function protocolError(
    res: ServerResponse,
    protocol: ProtocolName | undefined,
    status: number,
    message: string,
    code: string,
  ): void {
    sendJson(res, status, errorBody(protocol, status, message, code))
  }

  // --- cases -----------------------------------------------------------------------------

  async function openCase(caseOptions: OpenCaseOptions): Promise<OpenedCase> {
    validateCase(caseOptions)
    const spent = run.spent()
    if (spent) throw new RunBudgetSpentError(`${spent.detail}; case ${caseOptions.caseKey} not started`)
    const cassette = caseOptions.cassette
    const entries = cassette?.mode === 'replay' ? await loadCassette(cassette.path) : undefined
    const token = randomBytes(24).toString('base64url')
    const state: CaseState = {
      token,
      caseKey: caseOptions.caseKey,
      account: new CaseAccount(caseOptions.budget, run, pricing),
      closed: false,
      seq: 0,
      replayed: 0,
      inflight: new Set(),
      ...(caseOptions.callsFile
        ? { calls: createOrderedWriter(caseOptions.callsFile, { truncate: false }) }
        : {}),
      ...(cassette?.mode === 'record'
        ? { record: createOrderedWriter(cassette.path, { truncate: true }) }
        : {}),
      ...(entries ? { replay: createReplayer(cassette!.path, entries) } : {}),
    }
    if (entries) state.account.usage.replay = {}
    cases.set(token, state)
    run.cases++
    run.openCases++
    return { token, prefix: `/c/${token}` }
  }

  function caseState(token: string): CaseState {
    const state = cases.get(token)
    if (!state)
      throw new EvalboxError(
        'INVALID_OPTIONS',
        `no case has token ${describeValue(token)}; use the token openCase gave`,
      )
    return state
  }

  async function closeCase(token: string): Promise<CaseUsage> {
    const state = caseState(token)
    if (!state.closed) {
      state.closed = true
      run.openCases--
    }
    for (const call of state.inflight) call.abort()
    await Promise.all([...state.inflight].map((call) => call.done))
    state.replay = undefined
    await state.calls?.flush()
    await state.record?.flush()
    return state.account.snapshot()
  }

  // --- model calls -----------------------------------------------------------------------

  async function handleCase(
    req: IncomingMessage,
    res: ServerResponse,
    token: string,
    rest: string,
    query: string,
  ) {
    const method = req.method ?? 'GET'
    const state = cases.get(token)
    const guess = guessProtocol(rest, req.headers)
    if (!state || state.closed) {
      req.resume()
      const why = state ? 'its case is closed' : 'no open case has it'
      log(`evalbox gateway: refused ${method} ${rest}: the token is not valid (${why})`)
      return protocolError(
        res,
        guess,
        state ? 403 : 401,
        `evalbox gateway: this base URL's case token is not valid (${why})`,
        'evalbox_invalid_token',
      )
    }
    const route = routeOf(method, rest, req.headers)
    const at = new Date().toISOString()
    if (!route) {
      req.resume()
      const seq = ++state.seq
      state.account.usage.refused++
      const message = `evalbox gateway: refused ${method} ${rest}: only model calls are forwarded (POST /v1/messages, /v1/responses, /v1/chat/completions, Gemini :generateContent)`
      log(`${message} [case ${state.caseKey}]`)
      writeCall(state, {
        seq,
        at,
        method,
        path: rest,
        status: 403,
        durationMs: 0,
        refused: true,
        error: message,
      })
      return protocolError(res, guess, 403, message, 'evalbox_path_refused')
    }
    let raw: Buffer
    try {
      raw = await readBody(req, MAX_REQUEST_BODY)
    } catch (error) {
      const status = error instanceof BodyTooLarge ? 413 : 400
      return protocolError(
        res,
        route.protocol,
        status,
        `evalbox gateway: ${errorMessage(error)}`,
        'evalbox_bad_request',
      )
    }
    await forward(state, route, cleanQuery(query), raw, req, res, at)
  }

  async function forward(
    state: CaseState,
    route: Route,
    query: string,
    raw: Buffer,
    req: IncomingMessage,
    res: ServerResponse,
    at: string,
  ): Promise<void> {
    const method = req.method ?? 'GET'
    const seq = ++state.seq
    const started = performance.now()
    // The body is parsed only when something needs it (a record, a cassette, a budget
    // refusal), and for a live call after it is forwarded: parsing a long conversation takes
    // milliseconds that need not delay the call.
    let parsed: { body: unknown } | undefined
    const bodyOf = () => {
      parsed ??= { body: parseJson(raw) }
      return parsed.body
    }
    const fieldsOf = () => {
      const body = bodyOf()
      return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {}
    }
    const requestModel = () => route.model ?? cleanModel(fieldsOf().model)
    const path = route.path + query
    const baseRecord = (): CallRecord => {
      const model = requestModel()
      return {
        seq,
        at,
        protocol: route.protocol,
        method,
        path,
        ...(model ? { model } : {}),
        stream: route.stream ?? fieldsOf().stream === true,
        status: 0,
        durationMs: 0,
        request: recordedBody(raw, bodyOf()),
      }
    }
    const { account } = state

    if (route.kind === 'generate') {
      const exceeded = account.exceeded()
      if (exceeded) {
        // Budgets answer 400 in the protocol's invalid-request shape: agents retry 429 and
        // 5xx (for minutes), but stop on 400, which is what a spent budget wants.
        account.refuse(exceeded)
        writeCall(state, { ...baseRecord(), status: 400, refused: true, error: exceeded.detail })
        return protocolError(res, route.protocol, 400, exceeded.detail, 'evalbox_budget_exceeded')
      }
    }

    const cassetteKey = () => {
      const request = normaliseRequest(bodyOf())
      return { request, hash: requestHash(method, path, request) }
    }

    if (state.replay) {
      const n = ++state.replayed
      const { request, hash } = cassetteKey()
      const match = state.replay.match(n, { method, path, hash, body: request })
      if ('mismatch' in match) {
        account.usage.replay ??= {}
        account.usage.replay.mismatch ??= match.mismatch
        account.usage.errors++
        log(`evalbox gateway: replay mismatch [case ${state.caseKey}]: ${match.mismatch}`)
        writeCall(state, { ...baseRecord(), status: 400, replayed: true, error: match.mismatch })
        return protocolError(
          res,
          route.protocol,
          400,
          `evalbox replay: ${match.mismatch}`,
          'evalbox_replay_mismatch',
        )
      }
      if (route.kind === 'generate') account.start()
      return replayEntry(state, route, match.entry, baseRecord(), res, started, requestModel())
    }

    const { upstream, setting } = upstreamFor(route.protocol, upstreams)
    if (!upstream) {
      account.usage.errors++
      const message = `evalbox gateway: no upstream for ${route.protocol}; set ${setting}`
      log(`${message} [case ${state.caseKey}]`)
      writeCall(state, { ...baseRecord(), status: 503, error: message })
      return protocolError(res, route.protocol, 503, message, 'evalbox_no_upstream')
    }

    if (route.kind === 'generate') account.start()
    const target = upstreamUrl(upstream.baseUrl, route.path, query)
    const headers = endToEnd(req.headers, DROP_REQUEST_HEADERS)
    headers['accept-encoding'] = 'identity'
    if (method !== 'GET' || raw.length > 0) headers['content-length'] = raw.length
    const [authName, authValue] = authHeader(route.protocol, upstream.apiKey)
    headers[authName] = authValue

    const https = target.protocol === 'https:'
    const upReq: ClientRequest = (https ? httpsRequest : httpRequest)(target, {
      method,
      headers,
      agent: https ? agents.https : agents.http,
    })
    upReq.setNoDelay(true)

    const reader = createUsageReader(route.protocol)
    const scrubber = createScrubber(keyValues)
    const sent: Buffer[] = []
    let sentBytes = 0
    let status = 0
    let finished = false
    let resolveDone!: () => void
    const call = {
      abort: () => {
        upReq.destroy()
        if (!res.writableEnded) res.destroy()
        finish('the case was closed while the call was in flight')
      },
      done: new Promise<void>((resolve) => {
        resolveDone = resolve
      }),
    }
    state.inflight.add(call)
    let events: EventLog | undefined
    let parser: ReturnType<typeof createSseParser> | undefined

    function finish(error?: string): void {
      if (finished) return
      finished = true
      state.inflight.delete(call)
      try {
        settle(error)
      } catch (failure) {
        log(
          `evalbox gateway: recording ${method} ${path} failed [case ${state.caseKey}]: ${errorMessage(failure)}`,
        )
      } finally {
        resolveDone()
      }
    }

    /** Counts and records the finished call (never throws past `finish`). */
    function settle(error: string | undefined): void {
      const durationMs = Math.round((performance.now() - started) * 100) / 100
      const answer = sentBytes > 0 ? Buffer.concat(sent) : Buffer.alloc(0)
      let response: unknown
      if (events) {
        for (const event of parser!.end()) {
          events.add(event)
          reader.event(eventObject(event))
        }
        response = events.recorded()
      } else if (sentBytes <= MAX_PARSED_ANSWER) {
        const json = parseJson(answer)
        if (!error && status < 400) reader.body(json)
        response = recordedBody(answer, json)
      }
      const result = reader.result()
      const model = result.model ?? requestModel() ?? 'unknown'
      // A failure the stream itself reported is the call's error, but the answer is whole: a
      // cassette keeps it (only broken transfers are left out).
      const reported = error ?? result.error
      const failed = reported !== undefined || status >= 400 || status === 0
      let costUsd: number | undefined
      if (route.kind === 'generate') {
        if (failed) account.usage.errors++
        if (!failed || result.usage) costUsd = account.complete(model, result.usage)
      }
      if (error) log(`evalbox gateway: ${method} ${path} failed [case ${state.caseKey}]: ${error}`)
      writeCall(state, {
        ...baseRecord(),
        model,
        status,
        durationMs,
        response,
        usage: result.usage ?? null,
        ...(costUsd !== undefined ? { costUsd } : {}),
        ...(reported ? { error: reported } : {}),
      })
      if (state.record && !error && status > 0) {
        const { request, hash } = cassetteKey()
        const entry: CassetteEntry = {
          v: 1,
          seq,
          protocol: route.protocol,
          method,
          path,
          hash,
          request,
          status,
          contentType: contentType ?? 'application/json',
          ...bodyField(answer),
        }
        state.record.append(line(entry))
      }
    }

    let contentType: string | undefined
    upReq.on('response', (upRes) => {
      status = upRes.statusCode ?? 502
      contentType =
        typeof upRes.headers['content-type'] === 'string' ? upRes.headers['content-type'] : undefined
      const isSse = contentType?.includes('text/event-stream') ?? false
      if (isSse) {
        events = new EventLog()
        parser = createSseParser()
      }
      res.writeHead(status, scrubHeaders(endToEnd(upRes.headers, DROP_RESPONSE_HEADERS), keyValues))
      res.flushHeaders()
      const keep = state.record !== undefined
      const pass = (out: Buffer) => {
        if (out.length === 0) return
        if (!res.write(out)) upRes.pause()
        if (parser) {
          for (const event of parser.push(out)) {
            events!.add(event)
            reader.event(eventObject(event))
          }
          if (keep) sent.push(out)
        } else if (keep || sentBytes + out.length <= MAX_PARSED_ANSWER) sent.push(out)
        sentBytes += out.length
      }
      res.on('drain', () => upRes.resume())
      upRes.on('data', (chunk: Buffer) => pass(scrubber.push(chunk)))
      upRes.on('end', () => {
        pass(scrubber.end())
        res.end()
        finish()
      })
      upRes.on('error', (error) => {
        res.destroy()
        finish(`upstream ${target.origin} broke off the answer: ${errorMessage(error)}`)
      })
      upRes.on('close', () => {
        if (upRes.complete || finished) return
        res.destroy()
        finish(`upstream ${target.origin} broke off the answer`)
      })
    })
    upReq.on('error', (error) => {
      if (finished) return
      if (!res.headersSent) {
        status = 502
        protocolError(
          res,
          route.protocol,
          502,
          `evalbox gateway: upstream ${target.origin} failed: ${errorMessage(error)}`,
          'evalbox_upstream_error',
        )
        finish(`upstream ${target.origin} failed: ${errorMessage(error)}`)
      } else {
        res.destroy()
        finish(`upstream ${target.origin} broke off the answer: ${errorMessage(error)}`)
      }
    })
    res.on('close', () => {
      if (res.writableFinished || finished) return
      upReq.destroy()
      finish('the client closed the connection before the answer ended')
    })
    upReq.end(raw.length > 0 ? raw : undefined)
    await call.done
  }

  function replayEntry(
    state: CaseState,
    route: Route,
    entry: CassetteEntry,
    base: CallRecord,
    res: ServerResponse,
    started: number,
    requestModel: string | undefined,
  ): void {
    const served = serveEntry(entry, route.protocol, res)
    const model = served.model ?? requestModel ?? 'unknown'
    const failed = entry.status >= 400 || served.error !== undefined
    let costUsd: number | undefined
    if (route.kind === 'generate') {
      if (failed) state.account.usage.errors++
      if (!failed || served.usage) costUsd = state.account.complete(model, served.usage)
    }
    writeCall(state, {
      ...base,
      model,
      status: entry.status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      response: served.response,
      usage: served.usage ?? null,
      replayed: true,
      ...(costUsd !== undefined ? { costUsd } : {}),
      ...(served.error ? { error: served.error } : {}),
    })
  }

  const handleAdmin = createAdminHandler({
    adminToken,
    openCase,
    caseUsage: (token) => cases.get(token)?.account.snapshot(),
    closeCase,
    runUsage: () => run.usage(),
    log,
  })

  // --- servers ---------------------------------------------------------------------------

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const path = q === -1 ? url : url.slice(0, q)
    const query = q === -1 ? '' : url.slice(q)
    let work: Promise<void>
    if (path.startsWith('/_evalbox/')) work = handleAdmin(req, res, path)
    else {
      const match = /^\/c\/([A-Za-z0-9_-]+)(\/.*)$/.exec(path)
      if (match) work = handleCase(req, res, match[1]!, match[2]!, query)
      else if ((req.method === 'HEAD' || req.method === 'GET') && /^\/c\/[A-Za-z0-9_-]+\/?$/.test(path)) {
        // The base URL itself: a connectivity check (Claude Code sends a HEAD at start).
        req.resume()
        res.writeHead(200, { 'content-type': 'text/plain' })
        res.end(req.method === 'HEAD' ? undefined : 'evalbox model gateway\n')
        work = Promise.resolve()
      } else {
        req.resume()
        log(`evalbox gateway: refused ${req.method} ${path}: not under a case prefix`)
        work = Promise.resolve(
          protocolError(
            res,
            guessProtocol(path, req.headers),
            404,
            'evalbox gateway: model calls go to <gateway>/c/<case token>/...; this path is not one',
            'evalbox_not_found',
          ),
        )
      }
    }
    work.catch((error) => {
      log(`evalbox gateway: internal error on ${req.method} ${path}: ${errorMessage(error)}`)
      sendJson(res, 500, { error: { message: `evalbox gateway: internal error: ${errorMessage(error)}` } })
    })
  }

  return {
    handler,
    adminToken,
    openCase,
    caseUsage: (token) => caseState(token).account.snapshot(),
    closeCase,
    runUsage: () => run.usage(),
    async close() {
      await Promise.all(
        [...cases.values()]
          .filter((state) => !state.closed)
          .map((state) => closeCase(state.token).catch(() => {})),
      )
      agents.http.destroy()
      agents.https.destroy()
    },
  }
}

/**
 * Starts the model gateway on 127.0.0.1 (and `socketPath`, when given). See `index.ts` for
 * the design: routes, budgets, recording and replay.
 */
export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const core = createGateway(options)
  const servers: Server[] = []
  const tcp = createServer({ noDelay: true, keepAlive: true }, core.handler)
  await listenOn(tcp, options.port ?? 0)
  servers.push(tcp)
  if (options.socketPath) {
    await rm(options.socketPath, { force: true })
    const unix = createServer(core.handler)
    await listenOn(unix, options.socketPath)
    servers.push(unix)
    await chmod(options.socketPath, 0o666)
  }
  const { port } = tcp.address() as AddressInfo
  return {
    ...core,
    url: `http://127.0.0.1:${port}`,
    ...(options.socketPath ? { socketPath: options.socketPath } : {}),
    async close() {
      await core.close()
      await Promise.all(servers.map(closeServer))
      if (options.socketPath) await rm(options.socketPath, { force: true })
    },
  }
}

/** The client's keys (any of the headers one may travel in), its host, and what is recomputed. */
const DROP_REQUEST_HEADERS = new Set([
  ...CLIENT_AUTH_HEADERS,
  'host',
  'content-length',
  'accept-encoding',
  'cookie',
])

/** The body may change length (a key scrubbed out), so the length is the stream's own. */
const DROP_RESPONSE_HEADERS = new Set(['content-length', 'set-cookie'])

/** Header values with a real key in them lose it, as the body does. */
function scrubHeaders(headers: OutgoingHttpHeaders, keys: readonly string[]): OutgoingHttpHeaders {
  const clean = (value: string) => keys.reduce((text, key) => text.split(key).join('[REDACTED]'), value)
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') headers[name] = clean(value)
    else if (Array.isArray(value)) headers[name] = value.map(clean)
  }
  return headers
}

export { RunBudgetSpentError }
