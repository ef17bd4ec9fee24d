import type { TokenUsage } from '../core/usage.ts'

// Response bodies of the fake model server, in each protocol's wire shape.
const ANTHROPIC_ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  529: 'overloaded_error',
}

/** An error body in the protocol's shape. */
export function errorBody(protocol: RecordedRequest['protocol'], status: number, message: string): unknown {
  if (protocol === 'openai')
    return { error: { message, type: status === 429 ? 'rate_limit_exceeded' : 'api_error', code: null } }
  return { type: 'error', error: { type: ANTHROPIC_ERROR_TYPES[status] ?? 'api_error', message } }
}

/** A success body in the protocol's shape, usage mapped to its fields. */
export function successBody(request: RecordedRequest, answer: FakeAnswer): unknown {
  const requested = (request.body as { model?: unknown } | undefined)?.model
  const model = answer.model ?? (typeof requested === 'string' ? requested : 'fake-model')
  const text = answer.text ?? 'ok'
  const usage = answer.usage ?? { input: 10, output: 5 }
  if (request.protocol === 'openai') {
    const prompt = usage.input + (usage.cacheRead ?? 0)
    return {
      id: `chatcmpl-fake-${Date.now()}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: text },
          finish_reason: answer.stopReason ?? 'stop',
        },
      ],
      usage: {
        prompt_tokens: prompt,
        completion_tokens: usage.output,
        total_tokens: prompt + usage.output,
        prompt_tokens_details: { cached_tokens: usage.cacheRead ?? 0 },
      },
    }
  }
  return {
    id: `msg_fake_${Date.now()}`,
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text }],
    stop_reason: answer.stopReason ?? 'end_turn',
    stop_sequence: null,
    usage: {
      input_tokens: usage.input,
      output_tokens: usage.output,
      cache_read_input_tokens: usage.cacheRead ?? 0,
      cache_creation_input_tokens: usage.cacheWrite ?? 0,
    },
  }
}

/** One scripted reply. Fields left out get plausible defaults. */
export interface FakeAnswer {
  /** The completion text. @default 'ok' */
  readonly text?: string
  /** @default the request's model */
  readonly model?: string
  /** Usage in evalbox's terms; mapped to each protocol's shape. @default { input: 10, output: 5 } */
  readonly usage?: TokenUsage
  /** @default 'end_turn' / 'stop' */
  readonly stopReason?: string
  /** An error status (400, 401, 500...) answered in the protocol's error shape. @default 200 */
  readonly status?: number
  /** The error message for an error status. */
  readonly error?: string
  /** A raw JSON body sent as is (status `status`), for exact protocol shapes. */
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>>
  /** Waits this long before answering (for abort tests). */
  readonly delayMs?: number
}

/** A request the server received. */
export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly protocol: 'anthropic' | 'openai' | 'unknown'
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>
  /** The parsed JSON body (undefined when not JSON). */
  readonly body: unknown
  readonly rawBody: string
}
