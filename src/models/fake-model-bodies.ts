import type { FakeAnswer, RecordedRequest } from './fake-model-server.ts'

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
