import type { IncomingHttpHeaders } from 'node:http'
import type { ProtocolName, Upstream, Upstreams } from './types.ts'

/**
 * What a path after the case prefix asks for. Only these are ever forwarded, and the upstream
 * path is rebuilt from the match (never copied from the client), so no client can reach
 * another endpoint or host through the gateway.
 */
export interface Route {
  readonly protocol: ProtocolName
  /** `generate` calls are counted and budgeted; `aux` ones (model lists, token counts) are not. */
  readonly kind: 'generate' | 'aux'
  /** The upstream path, `/v1/...` or `/v1beta/...`. */
  readonly path: string
  /** Gemini names the model in the path. */
  readonly model?: string
  /** Gemini says streaming in the path. */
  readonly stream?: boolean
}

const GEMINI_PATH =
  /^\/(v1beta|v1|v1alpha)\/models\/([A-Za-z0-9._-]+):(generateContent|streamGenerateContent|countTokens)$/

function speaksAnthropic(headers: IncomingHttpHeaders): boolean {
  return headers['anthropic-version'] !== undefined || headers['x-api-key'] !== undefined
}

/** The route of `method path`, or undefined when the gateway refuses it. */
export function routeOf(method: string, path: string, headers: IncomingHttpHeaders): Route | undefined {
  if (method === 'POST') {
    switch (path) {
      case '/v1/messages':
        return { protocol: 'anthropic', kind: 'generate', path }
      case '/v1/messages/count_tokens':
        return { protocol: 'anthropic', kind: 'aux', path }
      case '/v1/responses':
      case '/responses':
        return { protocol: 'openai-responses', kind: 'generate', path: '/v1/responses' }
      case '/v1/chat/completions':
      case '/chat/completions':
        return { protocol: 'openai-chat', kind: 'generate', path: '/v1/chat/completions' }
    }
    const gemini = GEMINI_PATH.exec(path)
    if (gemini) {
      const [, version, model, method] = gemini
      return {
        protocol: 'gemini',
        kind: method === 'countTokens' ? 'aux' : 'generate',
        path: `/${version}/models/${model}:${method}`,
        model,
        stream: method === 'streamGenerateContent',
      }
    }
    return undefined
  }
  if (method === 'GET') {
    if (path === '/v1beta/models' || path === '/v1/models' || path === '/models') {
      if (path === '/v1beta/models') return { protocol: 'gemini', kind: 'aux', path }
      return speaksAnthropic(headers)
        ? { protocol: 'anthropic', kind: 'aux', path: '/v1/models' }
        : { protocol: 'openai-responses', kind: 'aux', path: '/v1/models' }
    }
  }
  return undefined
}

/** The protocol a refused or unauthorised request most likely speaks, for its error's shape. */
export function guessProtocol(path: string, headers: IncomingHttpHeaders): ProtocolName | undefined {
  if (path.includes('/messages') || speaksAnthropic(headers)) return 'anthropic'
  if (path.includes('/responses')) return 'openai-responses'
  if (path.includes('/chat/completions') || headers.authorization !== undefined) return 'openai-chat'
  if (path.startsWith('/v1beta') || path.includes(':generateContent') || path.includes(':streamGenerate'))
    return 'gemini'
  if (headers['x-goog-api-key'] !== undefined) return 'gemini'
  return undefined
}

/** The upstream of a protocol, and the setting to name when there is none. */
export function upstreamFor(
  protocol: ProtocolName,
  upstreams: Upstreams,
): { upstream?: Upstream; setting: string } {
  switch (protocol) {
    case 'anthropic':
      return {
        upstream: upstreams.anthropic,
        setting: 'ANTHROPIC_API_KEY (or the upstreams.anthropic option)',
      }
    case 'openai-responses':
      return { upstream: upstreams.openai, setting: 'OPENAI_API_KEY (or the upstreams.openai option)' }
    case 'openai-chat':
      return {
        upstream: upstreams.openaiChat ?? upstreams.openai,
        setting: 'OPENAI_API_KEY (or the upstreams.openai or upstreams.openaiChat option)',
      }
    case 'gemini':
      return { upstream: upstreams.gemini, setting: 'GEMINI_API_KEY (or the upstreams.gemini option)' }
  }
}

/** `baseUrl` + `path`, without doubling a version segment the base already ends in. */
export function upstreamUrl(baseUrl: string, path: string, query: string): URL {
  const base = baseUrl.replace(/\/+$/, '')
  const version = /^\/(v1beta|v1alpha|v1)\//.exec(path)?.[1]
  const tail = version && base.endsWith(`/${version}`) ? path.slice(version.length + 1) : path
  return new URL(base + tail + query)
}

/** The header that carries the real key, per protocol. */
export function authHeader(protocol: ProtocolName, apiKey: string): [string, string] {
  if (protocol === 'anthropic') return ['x-api-key', apiKey]
  if (protocol === 'gemini') return ['x-goog-api-key', apiKey]
  return ['authorization', `Bearer ${apiKey}`]
}

/** Headers a client's key may travel in: always removed before forwarding. */
export const CLIENT_AUTH_HEADERS = new Set(['x-api-key', 'authorization', 'x-goog-api-key', 'api-key'])

const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
}

const GEMINI_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
}

/**
 * The error body each API itself sends, so an agent reports the gateway's message as it would
 * the provider's: Anthropic `{type:'error',error:{type,message}}`, OpenAI
 * `{error:{message,type,code}}`, Gemini `{error:{code,message,status}}`; unknown `{error:{message}}`.
 */
export function errorBody(
  protocol: ProtocolName | undefined,
  status: number,
  message: string,
  code: string,
): unknown {
  switch (protocol) {
    case 'anthropic':
      return { type: 'error', error: { type: ANTHROPIC_TYPES[status] ?? 'api_error', message } }
    case 'openai-responses':
    case 'openai-chat':
      return { error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error', code } }
    case 'gemini':
      return { error: { code: status, message, status: GEMINI_STATUS[status] ?? 'INTERNAL' } }
    default:
      return { error: { message, code } }
  }
}
