/**
 * OpenAI Responses (`POST /v1/responses`), as Codex speaks it: the conversation is `input`
 * items, tool results are `function_call_output` (or `custom_tool_call_output`…) items, and
 * a streamed reply is the official event sequence, from `response.created` to
 * `response.completed` with the usage.
 */
import type { ServerResponse } from 'node:http'
import type { ReplyTokens, UpstreamProtocol } from './protocol.ts'
import type { ConversationView, OfferedTool, Reply } from './script.ts'
import { type SseEvent, sendJson, sendSse } from './sse.ts'

type Json = Record<string, unknown>

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Input item types that carry the result of one tool call. */
const TOOL_OUTPUTS = new Set(['function_call_output', 'custom_tool_call_output', 'local_shell_call_output'])

/** `<cwd>/work</cwd>` of Codex's environment_context message. */
const CWD = /<cwd>([^<]+)<\/cwd>/

function texts(content: unknown): string[] {
  if (typeof content === 'string') return [content]
  if (!Array.isArray(content)) return []
  return content.flatMap((part) => (isRecord(part) && typeof part.text === 'string' ? [part.text] : []))
}

function offeredTool(tool: unknown): OfferedTool | undefined {
  if (!isRecord(tool)) return undefined
  if (tool.type === 'local_shell') return { name: 'local_shell', parameters: { command: 'array' } }
  if (typeof tool.name !== 'string') return undefined
  if (tool.type === 'custom') return { name: tool.name, parameters: {}, freeform: true }
  if (tool.type !== 'function') return undefined
  const properties =
    isRecord(tool.parameters) && isRecord(tool.parameters.properties) ? tool.parameters.properties : {}
  const parameters: Record<string, string | undefined> = {}
  for (const [name, schema] of Object.entries(properties))
    parameters[name] = isRecord(schema) && typeof schema.type === 'string' ? schema.type : undefined
  return { name: tool.name, parameters }
}

/** What a Responses request carries: user text (environment context included), results, tools. */
export function readResponsesRequest(body: unknown): ConversationView {
  const request = isRecord(body) ? body : {}
  const input = typeof request.input === 'string' ? [{ role: 'user', content: request.input }] : request.input
  const items = Array.isArray(input) ? input.filter(isRecord) : []
  const user: string[] = []
  let toolResults = 0
  for (const item of items) {
    if (typeof item.type === 'string' && TOOL_OUTPUTS.has(item.type)) toolResults++
    else if (item.role === 'user') user.push(...texts(item.content))
  }
  const userText = user.join('\n')
  const cwd = CWD.exec(userText)?.[1]?.trim()
  const tools = (Array.isArray(request.tools) ? request.tools : []).flatMap((tool) => offeredTool(tool) ?? [])
  return {
    model: typeof request.model === 'string' ? request.model : 'unknown',
    stream: request.stream === true,
    tools,
    userText,
    toolResults,
    ...(cwd ? { cwd } : {}),
  }
}

/** The output item of a reply, whole (as `response.output_item.done` and the JSON body carry it). */
function outputItem(reply: Reply, view: ConversationView): Json {
  if (reply.kind === 'text') {
    return {
      id: `msg_${Date.now().toString(36)}`,
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: reply.text, annotations: [] }],
    }
  }
  const tool = view.tools.find((candidate) => candidate.name === reply.call.name)
  if (tool?.freeform) {
    return {
      id: `ctc_${reply.id}`,
      type: 'custom_tool_call',
      status: 'completed',
      call_id: reply.id,
      name: reply.call.name,
      input: String(reply.call.input.input ?? ''),
    }
  }
  // The built-in `local_shell` tool (schema-less, so read as one `command` argv) gets its own item.
  if (tool?.name === 'local_shell' && Object.keys(tool.parameters).length === 1) {
    return {
      id: `lsh_${reply.id}`,
      type: 'local_shell_call',
      status: 'completed',
      call_id: reply.id,
      action: { type: 'exec', command: reply.call.input.command, env: {} },
    }
  }
  return {
    id: `fc_${reply.id}`,
    type: 'function_call',
    status: 'completed',
    call_id: reply.id,
    name: reply.call.name,
    arguments: JSON.stringify(reply.call.input),
  }
}

function usage(tokens: ReplyTokens): Json {
  return {
    input_tokens: tokens.input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: tokens.output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: tokens.input + tokens.output,
  }
}

function responseObject(
  id: string,
  view: ConversationView,
  status: string,
  output: Json[],
  tokens?: ReplyTokens,
) {
  return {
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    model: view.model,
    output,
    usage: tokens ? usage(tokens) : null,
  }
}

/** The events between `output_item.added` and `output_item.done` of one item. */
function itemEvents(item: Json): SseEvent[] {
  const base = { item_id: item.id, output_index: 0 }
  if (item.type === 'message') {
    const text = (item.content as { text: string }[])[0]!.text
    const part = { type: 'output_text', text: '', annotations: [] }
    const half = Math.ceil(text.length / 2)
    return [
      { event: 'response.content_part.added', data: { ...base, content_index: 0, part } },
      ...[text.slice(0, half), text.slice(half)]
        .filter((delta) => delta !== '')
        .map((delta) => ({
          event: 'response.output_text.delta',
          data: { ...base, content_index: 0, delta },
        })),
      { event: 'response.output_text.done', data: { ...base, content_index: 0, text } },
      { event: 'response.content_part.done', data: { ...base, content_index: 0, part: { ...part, text } } },
    ]
  }
  if (item.type === 'function_call') {
    return [
      { event: 'response.function_call_arguments.delta', data: { ...base, delta: item.arguments } },
      { event: 'response.function_call_arguments.done', data: { ...base, arguments: item.arguments } },
    ]
  }
  if (item.type === 'custom_tool_call') {
    return [
      { event: 'response.custom_tool_call_input.delta', data: { ...base, delta: item.input } },
      { event: 'response.custom_tool_call_input.done', data: { ...base, input: item.input } },
    ]
  }
  return []
}

/** The item as `output_item.added` announces it: in progress, its content still empty. */
function openedItem(item: Json): Json {
  if (item.type === 'message') return { ...item, status: 'in_progress', content: [] }
  if (item.type === 'function_call') return { ...item, status: 'in_progress', arguments: '' }
  if (item.type === 'custom_tool_call') return { ...item, status: 'in_progress', input: '' }
  return { ...item, status: 'in_progress' }
}

let responses = 0

export const responsesProtocol: UpstreamProtocol = {
  name: 'openai-responses',
  matches: (method, path) => method === 'POST' && /^(?:\/v1)?\/responses$/.test(path),
  read: (body) => readResponsesRequest(body),
  send(res: ServerResponse, reply: Reply, view: ConversationView, tokens: ReplyTokens): void {
    const id = `resp_${++responses}`
    const item = outputItem(reply, view)
    if (!view.stream) {
      sendJson(res, 200, responseObject(id, view, 'completed', [item], tokens))
      return
    }
    const events: SseEvent[] = [
      { event: 'response.created', data: { response: responseObject(id, view, 'in_progress', []) } },
      { event: 'response.in_progress', data: { response: responseObject(id, view, 'in_progress', []) } },
      { event: 'response.output_item.added', data: { output_index: 0, item: openedItem(item) } },
      ...itemEvents(item),
      { event: 'response.output_item.done', data: { output_index: 0, item } },
      {
        event: 'response.completed',
        data: { response: responseObject(id, view, 'completed', [item], tokens) },
      },
    ]
    // Every event repeats its name as `type`, and counts in `sequence_number`, as OpenAI's do.
    sendSse(
      res,
      events.map(({ event, data }, index) => ({
        event,
        data: { type: event, sequence_number: index, ...(data as Json) },
      })),
    )
  },
  sendError(res, status, message) {
    sendJson(res, status, {
      error: {
        message,
        type: status >= 500 ? 'server_error' : 'invalid_request_error',
        param: null,
        code: null,
      },
    })
  },
}
