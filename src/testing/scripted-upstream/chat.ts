/**
 * OpenAI Chat Completions (`POST /v1/chat/completions`, or `/chat/completions` under a base
 * URL that already ends in `/v1`), as Qwen Code and opencode speak it: streamed chunks of
 * `choices[0].delta` ending with a `usage` chunk and `data: [DONE]`, or one JSON completion.
 */
import { cwdFromText } from './cwd.ts'
import type { ReplyTokens, UpstreamProtocol } from './protocol.ts'
import type { ConversationView, OfferedTool, Reply } from './script.ts'
import { type SseEvent, sendJson, sendSse } from './sse.ts'

type Json = Record<string, unknown>

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The text of a message's content: a string, or its `text` parts. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content
    .filter((part) => isRecord(part) && part.type === 'text' && typeof part.text === 'string')
    .map((part) => (part as Json).text as string)
    .join('\n')
}

function offeredTools(tools: unknown): OfferedTool[] {
  if (!Array.isArray(tools)) return []
  return tools.filter(isRecord).flatMap((tool) => {
    const fn = isRecord(tool.function) ? tool.function : undefined
    if (!fn || typeof fn.name !== 'string') return []
    const schema = isRecord(fn.parameters) ? fn.parameters : {}
    const properties = isRecord(schema.properties) ? schema.properties : {}
    const parameters: Record<string, string | undefined> = {}
    for (const [name, property] of Object.entries(properties))
      parameters[name] = isRecord(property) && typeof property.type === 'string' ? property.type : undefined
    return [{ name: fn.name, parameters }]
  })
}

/** What a Chat Completions request body says (tolerant: a missing field reads as empty). */
export function readChat(body: unknown): ConversationView {
  const request = isRecord(body) ? body : {}
  const messages = Array.isArray(request.messages) ? request.messages.filter(isRecord) : []
  const texts = (role: string) =>
    messages
      .filter((message) => message.role === role)
      .map((message) => contentText(message.content))
      .join('\n')
  const userText = texts('user')
  const cwd = cwdFromText(texts('system')) ?? cwdFromText(texts('developer')) ?? cwdFromText(userText)
  return {
    model: typeof request.model === 'string' ? request.model : 'unknown',
    stream: request.stream === true,
    tools: offeredTools(request.tools),
    userText,
    toolResults: messages.filter((message) => message.role === 'tool').length,
    ...(cwd === undefined ? {} : { cwd }),
  }
}

const usageOf = (tokens: ReplyTokens) => ({
  prompt_tokens: tokens.input,
  completion_tokens: tokens.output,
  total_tokens: tokens.input + tokens.output,
})

const completionId = (reply: Reply) =>
  `chatcmpl-${reply.kind === 'tool' ? reply.id : Date.now().toString(36)}`
const finishReason = (reply: Reply) => (reply.kind === 'tool' ? 'tool_calls' : 'stop')

/**
 * The chunks of one reply: the role, the text, the tool call (its name first, its
 * arguments in two pieces, as real servers split them), the finish reason, then `usage`.
 */
export function chatChunks(reply: Reply, view: ConversationView, tokens: ReplyTokens): SseEvent[] {
  const id = completionId(reply)
  const created = Math.floor(Date.now() / 1000)
  const chunk = (delta: Json, finish: string | null = null): SseEvent => ({
    data: {
      id,
      object: 'chat.completion.chunk',
      created,
      model: view.model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    },
  })
  const chunks = [chunk({ role: 'assistant', content: '' })]
  if (reply.text) chunks.push(chunk({ content: reply.text }))
  if (reply.kind === 'tool') {
    const args = JSON.stringify(reply.call.input)
    const half = Math.ceil(args.length / 2)
    chunks.push(
      chunk({
        tool_calls: [
          { index: 0, id: reply.id, type: 'function', function: { name: reply.call.name, arguments: '' } },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(0, half) } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(half) } }] }),
    )
  }
  chunks.push(chunk({}, finishReason(reply)))
  chunks.push({
    data: {
      id,
      object: 'chat.completion.chunk',
      created,
      model: view.model,
      choices: [],
      usage: usageOf(tokens),
    },
  })
  return chunks
}

/** The non-streamed completion of one reply. */
export function chatCompletion(reply: Reply, view: ConversationView, tokens: ReplyTokens): Json {
  const message: Json = {
    role: 'assistant',
    content: reply.kind === 'text' ? reply.text : (reply.text ?? null),
  }
  if (reply.kind === 'tool')
    message.tool_calls = [
      {
        id: reply.id,
        type: 'function',
        function: { name: reply.call.name, arguments: JSON.stringify(reply.call.input) },
      },
    ]
  return {
    id: completionId(reply),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: view.model,
    choices: [{ index: 0, message, finish_reason: finishReason(reply) }],
    usage: usageOf(tokens),
  }
}

/** OpenAI's error `type` for an HTTP status. */
function errorType(status: number): string {
  if (status === 401) return 'invalid_api_key'
  if (status === 429) return 'rate_limit_exceeded'
  if (status < 500) return 'invalid_request_error'
  return 'server_error'
}

export const chatProtocol: UpstreamProtocol = {
  name: 'openai-chat',
  matches: (method, path) =>
    method === 'POST' && (path === '/v1/chat/completions' || path === '/chat/completions'),
  read: (body) => readChat(body),
  send(res, reply, view, tokens) {
    if (view.stream) sendSse(res, chatChunks(reply, view, tokens), true)
    else sendJson(res, 200, chatCompletion(reply, view, tokens))
  },
  sendError(res, status, message) {
    sendJson(res, status, { error: { message, type: errorType(status), param: null, code: null } })
  },
}
