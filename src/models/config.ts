import { join } from 'node:path'
import { DEFAULT_JUDGE_MODELS } from '../core/defaults.ts'
import { describeValue, EvalboxError } from '../core/errors.ts'
import { DEFAULT_PRICING, type PricingTable } from '../core/pricing.ts'
import type { ModelClientOptions, ModelProvider, RetryOptions } from './types.ts'

/** A client's settings after options, environment and defaults are applied. */
export interface ResolvedModelConfig {
  readonly provider: ModelProvider
  readonly model: string
  readonly baseUrl: string
  readonly apiKey: string | undefined
  /** Where the key came from (`ANTHROPIC_API_KEY`, `apiKey option`...), for messages. */
  readonly apiKeySource: string
  readonly maxTokens: number
  readonly cache: boolean
  readonly cacheDir: string
  readonly retry: Required<RetryOptions>
  readonly timeoutMs: number
  readonly pricing: PricingTable
}

const PROVIDERS: Record<ModelProvider, { baseUrl: string; keyEnv: string; model: string }> = {
  anthropic: {
    baseUrl: 'https://api.anthropic.com',
    keyEnv: 'ANTHROPIC_API_KEY',
    model: DEFAULT_JUDGE_MODELS.anthropic,
  },
  openai: { baseUrl: 'https://api.openai.com', keyEnv: 'OPENAI_API_KEY', model: DEFAULT_JUDGE_MODELS.openai },
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value <= 0)
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `Expected \`${name}\` to be a positive integer, got ${describeValue(value)}`,
    )
  return value
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value < 0)
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `Expected \`${name}\` to be a number ≥ 0, got ${describeValue(value)}`,
    )
  return value
}

/**
 * The judge model the environment names: `EVALBOX_JUDGE_MODEL`. `EVALBOX_MODEL` used to name
 * it and now says how agents reach models (live, record, replay); a model name left there is
 * refused with the new variable's name rather than silently ignored.
 */
function judgeModelEnv(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const judge = nonEmpty(env.EVALBOX_JUDGE_MODEL)
  if (judge !== undefined) return judge
  const old = nonEmpty(env.EVALBOX_MODEL)
  if (old === undefined || ['live', 'record', 'replay'].includes(old)) return undefined
  throw new EvalboxError(
    'INVALID_OPTIONS',
    `EVALBOX_MODEL is ${describeValue(old)}: it takes live, record or replay (how agents reach their models). Name the judge model in EVALBOX_JUDGE_MODEL instead.`,
  )
}

function resolveProvider(
  options: ModelClientOptions,
  env: Readonly<Record<string, string | undefined>>,
): ModelProvider {
  const given = options.provider ?? nonEmpty(env.EVALBOX_MODEL_PROVIDER)
  if (given !== undefined) {
    if (given === 'anthropic' || given === 'openai') return given
    const from = options.provider !== undefined ? '`provider`' : 'EVALBOX_MODEL_PROVIDER'
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `Expected ${from} to be 'anthropic' or 'openai', got ${describeValue(given)}. OpenAI-compatible servers use 'openai' with a baseUrl.`,
    )
  }
  const model = options.model ?? judgeModelEnv(env)
  if (model !== undefined) {
    if (/^claude-/i.test(model)) return 'anthropic'
    if (/^(gpt-|o\d|chatgpt-)/i.test(model)) return 'openai'
  }
  if (!nonEmpty(env.ANTHROPIC_API_KEY) && nonEmpty(env.OPENAI_API_KEY)) return 'openai'
  return 'anthropic'
}

function resolveBaseUrl(given: string | undefined, fallback: string): string {
  const raw = given ?? fallback
  let protocol: string | undefined
  try {
    protocol = new URL(raw).protocol
  } catch {
    protocol = undefined
  }
  if (protocol !== 'http:' && protocol !== 'https:')
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `Expected the model base URL to be an http(s) URL, got ${describeValue(raw)}. Set \`baseUrl\` or EVALBOX_MODEL_BASE_URL, e.g. http://127.0.0.1:8080`,
    )
  // `/v1` is part of each protocol's path; a base given with it (OpenAI SDK style) is the same server.
  return raw.replace(/\/+$/, '').replace(/\/v1$/, '')
}

/** Applies options > environment > defaults. Throws `INVALID_OPTIONS` naming a bad value. */
export function resolveModelConfig(options: ModelClientOptions = {}): ResolvedModelConfig {
  const env = options.env ?? process.env
  const provider = resolveProvider(options, env)
  const defaults = PROVIDERS[provider]
  let apiKey = nonEmpty(options.apiKey)
  let apiKeySource = 'the apiKey option'
  if (apiKey === undefined) {
    apiKey = nonEmpty(env.EVALBOX_MODEL_API_KEY)
    apiKeySource = 'EVALBOX_MODEL_API_KEY'
  }
  if (apiKey === undefined) {
    apiKey = nonEmpty(env[defaults.keyEnv])
    apiKeySource = defaults.keyEnv
  }
  const noCache = env.EVALBOX_NO_CACHE === '1' || env.EVALBOX_NO_CACHE === 'true'
  const cacheRoot = nonEmpty(env.EVALBOX_CACHE_DIR)
  const retry = options.retry ?? {}
  return {
    provider,
    model: nonEmpty(options.model) ?? judgeModelEnv(env) ?? defaults.model,
    baseUrl: resolveBaseUrl(
      nonEmpty(options.baseUrl) ?? nonEmpty(env.EVALBOX_MODEL_BASE_URL),
      defaults.baseUrl,
    ),
    apiKey,
    apiKeySource,
    maxTokens: positiveInteger('maxTokens', options.maxTokens, 4096),
    cache: options.cache ?? !noCache,
    cacheDir:
      options.cacheDir ??
      (cacheRoot
        ? join(cacheRoot, 'models')
        : join(options.cwd ?? process.cwd(), 'node_modules/.cache/evalbox/models')),
    retry: {
      maxAttempts: positiveInteger('retry.maxAttempts', retry.maxAttempts, 4),
      baseDelayMs: nonNegative('retry.baseDelayMs', retry.baseDelayMs, 500),
      maxDelayMs: nonNegative('retry.maxDelayMs', retry.maxDelayMs, 30_000),
      maxRetryAfterMs: nonNegative('retry.maxRetryAfterMs', retry.maxRetryAfterMs, 60_000),
    },
    timeoutMs: positiveInteger('timeoutMs', options.timeoutMs, 300_000),
    pricing: options.pricing ? { ...DEFAULT_PRICING, ...options.pricing } : DEFAULT_PRICING,
  }
}
