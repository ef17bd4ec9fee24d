import type { PricingTable } from '../core/pricing.ts'
import type { TokenUsage } from '../core/usage.ts'

/** The wire protocol spoken: Anthropic Messages or OpenAI(-compatible) chat completions. */
export type ModelProvider = 'anthropic' | 'openai'

/** One chat message. */
export interface ModelMessage {
  readonly role: 'user' | 'assistant'
  readonly content: string
}

/** One completion request. */
export interface CompleteRequest {
  readonly system?: string
  readonly messages: readonly ModelMessage[]
  /** Overrides the client's model for this call. */
  readonly model?: string
  /** @default the client's `maxTokens` (4096) */
  readonly maxTokens?: number
  /** Omitted from the request when not given (the provider's default applies). */
  readonly temperature?: number
  readonly signal?: AbortSignal
  /** Set to false to skip the cache for this call. @default the client's setting */
  readonly cache?: boolean
}

/** One completion. Cached results cost nothing now: `costUsd` is 0, `originalCostUsd` what it cost then. */
export interface CompleteResult {
  readonly text: string
  /** The model that answered, as the provider reports it. */
  readonly model: string
  /** `input` excludes cached input tokens, which are in `cacheRead`. */
  readonly usage: TokenUsage
  readonly costUsd: number
  /** False when the model is not in the pricing table (cost then reads 0). */
  readonly priced: boolean
  readonly cached: boolean
  readonly originalCostUsd?: number
  readonly durationMs: number
  /** The provider's stop reason (`end_turn`, `max_tokens`, `stop`, `length`...). */
  readonly stopReason?: string
}

/** What a client has spent so far. Tokens and USD count billed calls only (not cache hits). */
export interface ModelSpend {
  readonly calls: number
  readonly cachedCalls: number
  readonly inputTokens: number
  readonly outputTokens: number
  readonly cacheReadTokens: number
  readonly cacheWriteTokens: number
  readonly usd: number
}

/** Retry policy for 429, 5xx and network errors. */
export interface RetryOptions {
  /** Attempts in all, the first included. @default 4 */
  readonly maxAttempts?: number
  /** First backoff delay; doubles each retry, with jitter. @default 500 */
  readonly baseDelayMs?: number
  /** Cap of one backoff delay. @default 30000 */
  readonly maxDelayMs?: number
  /** Cap of a server-requested delay (`retry-after`). @default 60000 */
  readonly maxRetryAfterMs?: number
}

/** Options of `createModelClient`; each falls back to the environment, then a default. */
export interface ModelClientOptions {
  /** @default `EVALBOX_MODEL_PROVIDER`, else inferred from the model name or the API key present, else 'anthropic' */
  readonly provider?: ModelProvider
  /** @default `EVALBOX_JUDGE_MODEL`, else `DEFAULT_JUDGE_MODELS`: 'claude-haiku-5-5' (anthropic) or 'gpt-6.1-terra' (openai) */
  readonly model?: string
  /** Without `/v1`; a trailing `/v1` is accepted. @default `EVALBOX_MODEL_BASE_URL`, else the provider's public API */
  readonly baseUrl?: string
  /** @default `EVALBOX_MODEL_API_KEY`, else `ANTHROPIC_API_KEY` / `OPENAI_API_KEY` */
  readonly apiKey?: string
  /** @default 4096 */
  readonly maxTokens?: number
  /** Cache completions on disk. @default true, unless `EVALBOX_NO_CACHE=1` */
  readonly cache?: boolean
  /** @default `$EVALBOX_CACHE_DIR/models`, else `node_modules/.cache/evalbox/models` under `cwd` */
  readonly cacheDir?: string
  readonly retry?: RetryOptions
  /** Time limit of one HTTP attempt; a timed-out attempt is retried. @default 300000 */
  readonly timeoutMs?: number
  /** Prices merged over `DEFAULT_PRICING`. */
  readonly pricing?: PricingTable
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** @default process.cwd() */
  readonly cwd?: string
}

/** A model client over `fetch`. */
export interface ModelClient {
  readonly provider: ModelProvider
  readonly model: string
  readonly baseUrl: string
  complete(request: CompleteRequest): Promise<CompleteResult>
  /** Totals so far (a snapshot). */
  readonly spend: ModelSpend
}
