import type { TokenUsage } from '../core/usage.ts'
import { isRecord } from '../transcript/events.ts'
import { type Protocol, tokens, unexpectedBody } from './protocol.ts'

/**
 * Anthropic Messages API: `POST /v1/messages` with `x-api-key` and `anthropic-version`;
 * the answer's `content` is a list of blocks (`{ type: 'text', text }`), `usage` has
 * `input_tokens`, `output_tokens`, `cache_read_input_tokens`, `cache_creation_input_tokens`.
 * Errors are `{ type: 'error', error: { type, message } }`.
 */
export const anthropicProtocol: Protocol = {
  provider: 'anthropic',
  path: '/v1/messages',
  headers: (apiKey) => ({
    'content-type': 'application/json',
    'x-api-key': apiKey,
    'anthropic-version': '2023-06-01',
  }),
  body: (request) => ({
    model: request.model,
    max_tokens: request.maxTokens,
    ...(request.system !== undefined ? { system: request.system } : {}),
    messages: request.messages.map(({ role, content }) => ({ role, content })),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
  }),
  parse(json) {
    if (!isRecord(json) || !Array.isArray(json.content)) throw unexpectedBody('anthropic', '`content` list')
    const text = json.content
      .filter(
        (block): block is { type: 'text'; text: string } => isRecord(block) && typeof block.text === 'string',
      )
      .map((block) => block.text)
      .join('')
    const raw = isRecord(json.usage) ? json.usage : {}
    const usage: TokenUsage = { input: tokens(raw.input_tokens), output: tokens(raw.output_tokens) }
    if (raw.cache_read_input_tokens != null) usage.cacheRead = tokens(raw.cache_read_input_tokens)
    if (raw.cache_creation_input_tokens != null) usage.cacheWrite = tokens(raw.cache_creation_input_tokens)
    return {
      text,
      model: typeof json.model === 'string' ? json.model : undefined,
      usage,
      stopReason: typeof json.stop_reason === 'string' ? json.stop_reason : undefined,
    }
  },
  errorMessage(json) {
    if (!isRecord(json) || !isRecord(json.error)) return undefined
    const { message, type } = json.error
    if (typeof message !== 'string') return undefined
    return typeof type === 'string' ? `${message} (${type})` : message
  },
}
