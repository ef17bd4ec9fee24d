import { EvalboxError } from '../core/errors.ts'
import type { TokenUsage } from '../core/usage.ts'
import type { ModelMessage, ModelProvider } from './types.ts'

/** A request after defaults are applied; what a protocol turns into a body. */
export interface NormalisedRequest {
  readonly model: string
  readonly system?: string
  readonly messages: readonly ModelMessage[]
  readonly maxTokens: number
  readonly temperature?: number
}

/** What a protocol reads out of a successful response body. */
export interface ParsedCompletion {
  readonly text: string
  readonly model?: string
  readonly usage: TokenUsage
  readonly stopReason?: string
}

/** One wire protocol: where to post, which headers, which body, how to read the answer. */
export interface Protocol {
  readonly provider: ModelProvider
  readonly path: string
  headers(apiKey: string): Record<string, string>
  body(request: NormalisedRequest, baseUrl: string): unknown
  parse(json: unknown): ParsedCompletion
  /** The provider's own error message in an error body, when there is one. */
  errorMessage(json: unknown): string | undefined
}

/** `base` + `path`, without doubling a `/v1` the base already ends with. */
export function joinUrl(baseUrl: string, path: string): string {
  const base = baseUrl.replace(/\/+$/, '')
  return base.endsWith('/v1') && path.startsWith('/v1/') ? base + path.slice(3) : base + path
}

/** A URL safe to print or store: no user info, no query values. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url)
    parsed.username = ''
    parsed.password = ''
    for (const key of [...parsed.searchParams.keys()]) parsed.searchParams.set(key, '***')
    return parsed.toString().replace(/\/$/, '')
  } catch {
    return '(invalid URL)'
  }
}

/** Reads a non-negative token count; anything else is 0. */
export function tokens(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0
}

/** The error a malformed success body raises. */
export function unexpectedBody(provider: ModelProvider, what: string): EvalboxError {
  return new EvalboxError(
    'MODEL_API_ERROR',
    `The ${provider} API answered 200 but the body has no ${what}. Is the base URL pointing at a ${provider}-compatible server?`,
  )
}
