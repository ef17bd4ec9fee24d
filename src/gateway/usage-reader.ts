import type { TokenUsage } from '../core/usage.ts'
import type { ProtocolName } from './types.ts'

/**
 * Reads usage and model off an answer, as each API reports them, and normalises to evalbox's
 * `TokenUsage`: `input` is the uncached input (OpenAI and Gemini count cache hits inside their
 * prompt count, Anthropic does not), Gemini's thinking tokens count as output.
 */
export interface UsageReader {
  /** One SSE event's data, parsed. */
  event(data: unknown): void
  /** A whole JSON answer (Gemini's non-SSE stream is a JSON array of chunks). */
  body(json: unknown): void
  /**
   * Undefined usage when the answer carried none: the call is counted, its tokens unknown.
   * `error` when a 200 stream reported a failure inside it (Anthropic's `error` event, a
   * Responses `error` or `response.failed`, an `error` field in a chat or Gemini chunk).
   */
  result(): { usage?: TokenUsage; model?: string; error?: string }
}

type Json = Record<string, unknown>

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0
}

function usage(input: number, output: number, cacheRead: number, cacheWrite: number): TokenUsage {
  return { input: Math.max(0, input), output, cacheRead, cacheWrite }
}

function anthropicUsage(raw: Json): TokenUsage {
  return usage(
    count(raw.input_tokens),
    count(raw.output_tokens),
    count(raw.cache_read_input_tokens),
    count(raw.cache_creation_input_tokens),
  )
}

function responsesUsage(raw: Json): TokenUsage {
  const cached = isRecord(raw.input_tokens_details) ? count(raw.input_tokens_details.cached_tokens) : 0
  return usage(count(raw.input_tokens) - cached, count(raw.output_tokens), cached, 0)
}

function chatUsage(raw: Json): TokenUsage {
  const cached = isRecord(raw.prompt_tokens_details) ? count(raw.prompt_tokens_details.cached_tokens) : 0
  return usage(count(raw.prompt_tokens) - cached, count(raw.completion_tokens), cached, 0)
}

function geminiUsage(raw: Json): TokenUsage {
  const cached = count(raw.cachedContentTokenCount)
  return usage(
    count(raw.promptTokenCount) + count(raw.toolUsePromptTokenCount) - cached,
    count(raw.candidatesTokenCount) + count(raw.thoughtsTokenCount),
    cached,
    0,
  )
}

/** `models/gemini-2.5-pro` → `gemini-2.5-pro`. */
export function cleanModel(model: unknown): string | undefined {
  if (typeof model !== 'string' || model === '') return undefined
  return model.replace(/^models\//, '')
}

export function createUsageReader(protocol: ProtocolName): UsageReader {
  let found: TokenUsage | undefined
  let model: string | undefined
  let failure: string | undefined
  const streamError = (data: Json) => {
    const error = isRecord(data.error)
      ? data.error
      : isRecord(data.response) && isRecord(data.response.error)
        ? data.response.error
        : undefined
    if (data.type === 'error' || data.type === 'response.failed' || error) {
      const message =
        error && typeof error.message === 'string' ? error.message : JSON.stringify(data).slice(0, 200)
      failure ??= `the stream reported an error: ${message}`
    }
  }
  const setModel = (value: unknown) => {
    model = cleanModel(value) ?? model
  }

  const readers: Record<ProtocolName, { event(data: Json): void; body(json: Json): void }> = {
    anthropic: {
      event(data) {
        if (data.type === 'message_start' && isRecord(data.message)) {
          setModel(data.message.model)
          if (isRecord(data.message.usage)) found = anthropicUsage(data.message.usage)
        } else if (data.type === 'message_delta' && isRecord(data.usage)) {
          // The delta carries the final output count; newer API versions repeat the input
          // counts there, cumulative, so a field present in the delta wins.
          const delta = data.usage
          const start = found ?? usage(0, 0, 0, 0)
          found = usage(
            delta.input_tokens != null ? count(delta.input_tokens) : start.input,
            delta.output_tokens != null ? count(delta.output_tokens) : start.output,
            delta.cache_read_input_tokens != null ? count(delta.cache_read_input_tokens) : start.cacheRead!,
            delta.cache_creation_input_tokens != null
              ? count(delta.cache_creation_input_tokens)
              : start.cacheWrite!,
          )
        }
      },
      body(json) {
        setModel(json.model)
        if (isRecord(json.usage)) found = anthropicUsage(json.usage)
      },
    },
    'openai-responses': {
      event(data) {
        if (!isRecord(data.response)) return
        setModel(data.response.model)
        if (isRecord(data.response.usage)) found = responsesUsage(data.response.usage)
      },
      body(json) {
        setModel(json.model)
        if (isRecord(json.usage)) found = responsesUsage(json.usage)
      },
    },
    'openai-chat': {
      event(data) {
        setModel(data.model)
        if (isRecord(data.usage)) found = chatUsage(data.usage)
      },
      body(json) {
        setModel(json.model)
        if (isRecord(json.usage)) found = chatUsage(json.usage)
      },
    },
    gemini: {
      event(data) {
        setModel(data.modelVersion)
        if (isRecord(data.usageMetadata)) found = geminiUsage(data.usageMetadata)
      },
      body(json) {
        setModel(json.modelVersion)
        if (isRecord(json.usageMetadata)) found = geminiUsage(json.usageMetadata)
      },
    },
  }
  const reader = readers[protocol]
  return {
    event(data) {
      if (!isRecord(data)) return
      streamError(data)
      reader.event(data)
    },
    body(json) {
      if (Array.isArray(json)) {
        for (const item of json) if (isRecord(item)) reader.event(item)
      } else if (isRecord(json)) reader.body(json)
    },
    result: () => ({
      ...(found ? { usage: found } : {}),
      ...(model ? { model } : {}),
      ...(failure ? { error: failure } : {}),
    }),
  }
}
