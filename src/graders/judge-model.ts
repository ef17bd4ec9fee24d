import type { CompleteRequest, ModelClient, ModelClientOptions, ModelMessage } from '../models/index.ts'
import { createModelClient } from '../models/index.ts'
import { extractJson } from './json-text.ts'

/**
 * The model that judges: a client from `createModelClient`, options for one, or a model name
 * (everything else from the environment: `EVALBOX_MODEL_*`, `ANTHROPIC_API_KEY`...).
 */
export type JudgeModel = ModelClient | ModelClientOptions | string

/** One judge call, for cost accounting. Cached calls cost 0 now. */
export interface JudgeCall {
  readonly model: string
  readonly costUsd: number
  readonly cached: boolean
  readonly durationMs: number
}

/** What a judge answer parses to: the value, or a reason the answer is unusable. */
export type JudgeParse<T> = { readonly value: T } | { readonly error: string }

/** The outcome of `askForJson`. `value` is undefined when both attempts were unusable. */
export interface JudgeAnswer<T> {
  readonly value: T | undefined
  /** Why the last answer was unusable. */
  readonly error?: string
  /** The last answer's text. */
  readonly text: string
  readonly calls: readonly JudgeCall[]
}

function isClient(model: JudgeModel): model is ModelClient {
  return typeof model === 'object' && typeof (model as ModelClient).complete === 'function'
}

/**
 * A lazy client for a grader: made on first use, so that defining an eval never needs an API
 * key, and shared by every case the grader judges (one cache, one spend total).
 */
export function lazyJudgeClient(model: JudgeModel | undefined): () => ModelClient {
  let client: ModelClient | undefined
  return () => {
    if (client) return client
    if (model !== undefined && isClient(model)) client = model
    else client = createModelClient(typeof model === 'string' ? { model } : (model ?? {}))
    return client
  }
}

/**
 * Asks for a JSON answer and parses it; an unusable answer (not JSON, or `parse` rejects it)
 * is asked again once, with the reason. The retry is a different request, so a cached bad
 * answer is not served twice.
 */
export async function askForJson<T>(
  client: ModelClient,
  request: CompleteRequest,
  parse: (value: unknown) => JudgeParse<T>,
): Promise<JudgeAnswer<T>> {
  const calls: JudgeCall[] = []
  let messages: ModelMessage[] = [...request.messages]
  let error = ''
  let text = ''
  for (let attempt = 0; attempt < 2; attempt++) {
    const result = await client.complete({ ...request, messages })
    calls.push({
      model: result.model,
      costUsd: result.costUsd,
      cached: result.cached,
      durationMs: result.durationMs,
    })
    text = result.text
    const json = extractJson(text)
    const parsed: JudgeParse<T> = json === undefined ? { error: 'the answer was not JSON' } : parse(json)
    if ('value' in parsed) return { value: parsed.value, text, calls }
    error = parsed.error
    messages = [
      ...messages,
      { role: 'assistant', content: text || '(empty)' },
      {
        role: 'user',
        content: `That answer could not be used: ${error}. Reply again with only the JSON object, in the format asked for.`,
      },
    ]
  }
  return { value: undefined, error, text, calls }
}

/** Cost facts of a grader's judge calls, for `metadata`. */
export function judgeCost(calls: readonly JudgeCall[]): {
  costUsd: number
  cached: boolean
  calls: JudgeCall[]
} {
  const costUsd = calls.reduce((sum, call) => sum + call.costUsd, 0)
  return {
    costUsd: Math.round(costUsd * 1e8) / 1e8,
    cached: calls.length > 0 && calls.every((call) => call.cached),
    calls: [...calls],
  }
}
