import { EvalboxError } from '../core/errors.ts'
import type { Upstreams } from './types.ts'

type Env = Readonly<Record<string, string | undefined>>

/**
 * The upstreams of an environment: each provider whose key is set, at its
 * `EVALBOX_<PROVIDER>_BASE_URL` or the provider's own API. A provider without a key is left
 * out, so its calls are answered 503 naming the key to set.
 */
export function upstreamsFromEnv(env: Env = process.env): Upstreams {
  const one = (key: string, baseVariable: string, fallback: string) => {
    const apiKey = env[key]
    if (!apiKey) return undefined
    return { baseUrl: env[baseVariable] || fallback, apiKey }
  }
  const anthropic = one('ANTHROPIC_API_KEY', 'EVALBOX_ANTHROPIC_BASE_URL', 'https://api.anthropic.com')
  const openai = one('OPENAI_API_KEY', 'EVALBOX_OPENAI_BASE_URL', 'https://api.openai.com')
  const gemini = one('GEMINI_API_KEY', 'EVALBOX_GEMINI_BASE_URL', 'https://generativelanguage.googleapis.com')
  return { ...(anthropic ? { anthropic } : {}), ...(openai ? { openai } : {}), ...(gemini ? { gemini } : {}) }
}

/** How a case reaches models: `live` forwards, `record` forwards and writes a cassette, `replay` serves it. */
export type ModelMode = 'live' | 'record' | 'replay'

export const MODEL_MODE_VARIABLE = 'EVALBOX_MODEL'

/**
 * `EVALBOX_MODEL=record|replay|live` wins; otherwise `live` when a key is set, `replay` when a
 * cassette exists and no key is, else `live` (whose calls then fail naming the key to set).
 */
export function resolveModelMode(env: Env, facts: { hasKey: boolean; cassetteExists: boolean }): ModelMode {
  const chosen = env[MODEL_MODE_VARIABLE]?.trim()
  if (chosen) {
    if (chosen === 'live' || chosen === 'record' || chosen === 'replay') return chosen
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `${MODEL_MODE_VARIABLE} is ${JSON.stringify(chosen)}; set it to live, record or replay, or unset it (a judge model goes in EVALBOX_JUDGE_MODEL)`,
    )
  }
  if (facts.hasKey) return 'live'
  return facts.cassetteExists ? 'replay' : 'live'
}
