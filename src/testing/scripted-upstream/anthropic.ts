/**
 * Anthropic Messages (`POST /v1/messages`), as Claude Code speaks it: streamed as the
 * `message_start` … `message_stop` events, or one JSON message. `POST
 * /v1/messages/count_tokens` is answered too (Claude Code asks it on the side).
 */
import type { ServerResponse } from 'node:http'
import { cwdFromText } from './cwd.ts'
import type { ReplyTokens, UpstreamProtocol } from './protocol.ts'
import type { ConversationView, OfferedTool, Reply } from './script.ts'
import { type SseEvent, sendJson, sendSse } from './sse.ts'

type Json = Record<string, unknown>

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The text of a string or of the `text` blocks of a block list. */
function blockText(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content
    .filter((block) => isRecord(block) && block.type === 'text' && typeof block.text === 'string')
    .map((block) => (block as Json).text as string)
    .join('\n')
}

function offeredTools(tools: unknown): OfferedTool[] {
  if (!Array.isArray(tools)) return []
  return tools.filter(isRecord).flatMap((tool) => {
    if (typeof tool.name !== 'string') return []
    const schema = isRecord(tool.input_schema) ? tool.input_schema : {}
    const properties = isRecord(schema.properties) ? schema.properties : {}
    const parameters: Record<string, string | undefined> = {}
    for (const [name, property] of Object.entries(properties))
      parameters[name] = isRecord(property) && typeof property.type === 'string' ? property.type : undefined
    return [{ name: tool.name, parameters }]
  })
}

/** What a Messages request body says (tolerant: a missing field reads as empty). */
export function readAnthropic(body: unknown): ConversationView {
  const request = isRecord(body) ? body : {}
  const messages = Array.isArray(request.messages) ? request.messages.filter(isRecord) : []
  const user = messages.filter((message) => message.role === 'user')
  const toolResults = user.reduce(
    (count, message) =>
      count +
      (Array.isArray(message.content)
        ? message.content.filter((block) => isRecord(block) && block.type === 'tool_result').length
        : 0),
    0,
  )
  const userText = user.map((message) => blockText(message.content)).join('\n')
  const cwd = cwdFromText(blockText(request.system)) ?? cwdFromText(userText)
  return {
    model: typeof request.model === 'string' ? request.model : 'unknown',
    stream: request.stream === true,
    tools: offeredTools(request.tools),
    userText,
    toolResults,
    ...(cwd === undefined ? {} : { cwd }),
  }
}

/** The content blocks of a reply, in order. */
function replyBlocks(reply: Reply): Json[] {
  if (reply.kind === 'text') return [{ type: 'text', text: reply.text }]
  const blocks: Json[] = reply.text ? [{ type: 'text', text: reply.text }] : []
  blocks.push({ type: 'tool_use', id: reply.id, name: reply.call.name, input: reply.call.input })
  return blocks
}

const messageId = (reply: Reply) => `msg_${reply.kind === 'tool' ? reply.id : Date.now().toString(36)}`

/** The stream of one reply: every block opened, filled by deltas, closed; then the stop. */
export function anthropicEvents(reply: Reply, view: ConversationView, tokens: ReplyTokens): SseEvent[] {
  const stopReason = reply.kind === 'tool' ? 'tool_use' : 'end_turn'
  const event = (data: Json): SseEvent => ({ event: data.type as string, data })
  const events: SseEvent[] = [
    event({
      type: 'message_start',
      message: {
        id: messageId(reply),
        type: 'message',
        role: 'assistant',
        model: view.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: tokens.input, output_tokens: 1 },
      },
    }),
  ]
  replyBlocks(reply).forEach((block, index) => {
    if (block.type === 'text') {
      events.push(event({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }))
      events.push(
        event({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: block.text } }),
      )
    } else {
      const { input, ...head } = block
      events.push(event({ type: 'content_block_start', index, content_block: { ...head, input: {} } }))
      // Streamed in two pieces, as the real API splits tool input.
      const json = JSON.stringify(input)
      const half = Math.ceil(json.length / 2)
      for (const partial of [json.slice(0, half), json.slice(half)])
        events.push(
          event({
            type: 'content_block_delta',
            index,
            delta: { type: 'input_json_delta', partial_json: partial },
          }),
        )
    }
    events.push(event({ type: 'content_block_stop', index }))
  })
  events.push(
    event({
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: tokens.output },
    }),
    event({ type: 'message_stop' }),
  )
  return events
}

/** The non-streamed message of one reply. */
export function anthropicMessage(reply: Reply, view: ConversationView, tokens: ReplyTokens): Json {
  return {
    id: messageId(reply),
    type: 'message',
    role: 'assistant',
    model: view.model,
    content: replyBlocks(reply),
    stop_reason: reply.kind === 'tool' ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: tokens.input, output_tokens: tokens.output },
  }
}

/** Anthropic's error `type` for an HTTP status. */
function errorType(status: number): string {
  if (status === 400) return 'invalid_request_error'
  if (status === 401) return 'authentication_error'
  if (status === 403) return 'permission_error'
  if (status === 404) return 'not_found_error'
  if (status === 429) return 'rate_limit_error'
  if (status === 529) return 'overloaded_error'
  return 'api_error'
}

const COUNT_TOKENS = '/v1/messages/count_tokens'

export const anthropicProtocol: UpstreamProtocol = {
  name: 'anthropic',
  matches: (method, path) => method === 'POST' && (path === '/v1/messages' || path === COUNT_TOKENS),
  direct: (_method, path, _body, bytes) =>
    path === COUNT_TOKENS ? { input_tokens: Math.max(1, Math.ceil(bytes / 4)) } : undefined,
  read: (body) => readAnthropic(body),
  send(res: ServerResponse, reply, view, tokens) {
    if (view.stream) sendSse(res, anthropicEvents(reply, view, tokens))
    else sendJson(res, 200, anthropicMessage(reply, view, tokens))
  },
  sendError(res, status, message) {
    sendJson(res, status, { type: 'error', error: { type: errorType(status), message } })
  },
}
