import type { TokenUsage } from '../core/usage.ts'
import { isRecord } from '../transcript/events.ts'
import { type Protocol, tokens, unexpectedBody } from './protocol.ts'

function messageText(content: unknown): string {
  if (typeof content === 'string') return content
  // Some compatible servers answer with a list of parts.
  if (Array.isArray(content))
    return content.map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : '')).join('')
  return ''
}

/**
 * OpenAI chat completions (and compatible servers): `POST /v1/chat/completions` with
 * `Authorization: Bearer`; the answer is `choices[0].message.content`, `usage` has
 * `prompt_tokens` (cached tokens included), `completion_tokens` and
 * `prompt_tokens_details.cached_tokens`. Errors are `{ error: { message, type, code } }`.
 * api.openai.com gets `max_completion_tokens` (its newer models reject `max_tokens`);
 * other servers get the widely supported `max_tokens`.
 */
export const openaiProtocol: Protocol = {
  provider: 'openai',
  path: '/v1/chat/completions',
  headers: (apiKey) => ({ 'content-type': 'application/json', authorization: `Bearer ${apiKey}` }),
  body(request, baseUrl) {
    const official = /^https:\/\/api\.openai\.com(\/|$)/.test(baseUrl)
    return {
      model: request.model,
      messages: [
        ...(request.system !== undefined ? [{ role: 'system', content: request.system }] : []),
        ...request.messages.map(({ role, content }) => ({ role, content })),
      ],
      [official ? 'max_completion_tokens' : 'max_tokens']: request.maxTokens,
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    }
  },
  parse(json) {
    const choice = isRecord(json) && Array.isArray(json.choices) ? json.choices[0] : undefined
    if (!isRecord(json) || !isRecord(choice) || !isRecord(choice.message))
      throw unexpectedBody('openai', '`choices[0].message`')
    const raw = isRecord(json.usage) ? json.usage : {}
    const details = isRecord(raw.prompt_tokens_details) ? raw.prompt_tokens_details : undefined
    const cached = tokens(details?.cached_tokens)
    const usage: TokenUsage = {
      input: Math.max(0, tokens(raw.prompt_tokens) - cached),
      output: tokens(raw.completion_tokens),
    }
    if (details) usage.cacheRead = cached
    return {
      text: messageText(choice.message.content),
      model: typeof json.model === 'string' ? json.model : undefined,
      usage,
      stopReason: typeof choice.finish_reason === 'string' ? choice.finish_reason : undefined,
    }
  },
  errorMessage(json) {
    if (!isRecord(json)) return undefined
    if (typeof json.error === 'string') return json.error
    const error = isRecord(json.error) ? json.error : json
    if (typeof error.message !== 'string') return undefined
    const tag =
      typeof error.code === 'string' ? error.code : typeof error.type === 'string' ? error.type : undefined
    return tag ? `${error.message} (${tag})` : error.message
  },
}
