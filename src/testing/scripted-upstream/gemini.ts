/**
 * Gemini (`POST /v1beta/models/{model}:streamGenerateContent?alt=sse` and `:generateContent`),
 * as Gemini CLI speaks it: the model is in the path, tools are `functionDeclarations`, tool
 * results are `functionResponse` parts, and side calls that ask for JSON (the "who speaks
 * next" check) get a JSON answer that lets the CLI end its turn.
 */
import type { ServerResponse } from 'node:http'
import type { ReplyTokens, UpstreamProtocol } from './protocol.ts'
import type { ConversationView, OfferedTool, Reply } from './script.ts'
import { sendJson, sendSse } from './sse.ts'

type Json = Record<string, unknown>

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const PATH = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(streamGenerateContent|generateContent)$/

/** Gemini CLI names its folder in the session context: `- **Workspace Directories:**\n  - /work`. */
const CWD = [/Workspace Directories:\**\s*\n\s*-\s*(\/[^\n]*)/, /working in the directory:?\s*(\/[^\n]*)/]

function offeredTools(tools: unknown): OfferedTool[] {
  if (!Array.isArray(tools)) return []
  return tools.flatMap((tool) => {
    if (!isRecord(tool) || !Array.isArray(tool.functionDeclarations)) return []
    return tool.functionDeclarations.flatMap((declaration): OfferedTool[] => {
      if (!isRecord(declaration) || typeof declaration.name !== 'string') return []
      const schema = declaration.parametersJsonSchema ?? declaration.parameters
      const properties = isRecord(schema) && isRecord(schema.properties) ? schema.properties : {}
      const parameters: Record<string, string | undefined> = {}
      for (const [name, property] of Object.entries(properties))
        parameters[name] =
          isRecord(property) && typeof property.type === 'string' ? property.type.toLowerCase() : undefined
      return [{ name: declaration.name, parameters }]
    })
  })
}

/**
 * A small value that fits `schema`: required properties filled with the first enum value,
 * `''`, `0`, `false`, `[]` or a nested object. `next_speaker` is `'user'`, so Gemini CLI's
 * check ends the turn instead of asking the model to go on.
 */
export function sampleOf(schema: unknown, name?: string): unknown {
  if (!isRecord(schema)) return ''
  if (name === 'next_speaker') return 'user'
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0]
  const type = String(schema.type ?? (isRecord(schema.properties) ? 'object' : 'string')).toLowerCase()
  if (type === 'object') {
    const properties = isRecord(schema.properties) ? schema.properties : {}
    const required = Array.isArray(schema.required) ? schema.required.map(String) : Object.keys(properties)
    const value: Json = {}
    for (const key of required) value[key] = sampleOf(properties[key], key)
    return value
  }
  if (type === 'array') return []
  if (type === 'number' || type === 'integer') return 0
  if (type === 'boolean') return false
  return name === 'reasoning' ? 'The model finished its turn; the user speaks next.' : ''
}

/** The JSON text a side request wants, when its generation config asks for JSON. */
function jsonSideReply(config: unknown): string | undefined {
  if (!isRecord(config)) return undefined
  const schema = config.responseJsonSchema ?? config.responseSchema
  if (schema === undefined && config.responseMimeType !== 'application/json') return undefined
  return JSON.stringify(schema === undefined ? {} : sampleOf(schema))
}

/** What a Gemini request carries: the model (from the path), user text, results, tools. */
export function readGeminiRequest(body: unknown, path: string): ConversationView {
  const request = isRecord(body) ? body : {}
  const [, model = 'unknown', method] = PATH.exec(path) ?? []
  const user: string[] = []
  let toolResults = 0
  for (const content of Array.isArray(request.contents) ? request.contents : []) {
    if (!isRecord(content) || !Array.isArray(content.parts)) continue
    for (const part of content.parts) {
      if (!isRecord(part)) continue
      if (isRecord(part.functionResponse)) toolResults++
      else if (content.role !== 'model' && typeof part.text === 'string') user.push(part.text)
    }
  }
  const userText = user.join('\n')
  const cwd = CWD.map((pattern) => pattern.exec(userText)?.[1]?.trim()).find(Boolean)
  const sideReply = jsonSideReply(request.generationConfig)
  return {
    model,
    stream: method === 'streamGenerateContent',
    tools: offeredTools(request.tools),
    userText,
    toolResults,
    ...(cwd ? { cwd } : {}),
    ...(sideReply === undefined ? {} : { sideReply }),
  }
}

function chunk(model: string, parts: Json[], end?: ReplyTokens): Json {
  const candidate: Json = { content: { role: 'model', parts }, index: 0 }
  if (!end) return { candidates: [candidate], modelVersion: model }
  return {
    candidates: [{ ...candidate, finishReason: 'STOP' }],
    usageMetadata: {
      promptTokenCount: end.input,
      candidatesTokenCount: end.output,
      totalTokenCount: end.input + end.output,
    },
    modelVersion: model,
  }
}

/** The reply as chunks: text in two pieces (the last one ends the turn with the usage). */
function chunks(reply: Reply, model: string, tokens: ReplyTokens): Json[] {
  if (reply.kind === 'tool') {
    const call = { name: reply.call.name, args: reply.call.input }
    const text = reply.text ? [{ text: reply.text }] : []
    return [chunk(model, [...text, { functionCall: call }], tokens)]
  }
  const half = Math.ceil(reply.text.length / 2)
  const first = reply.text.slice(0, half)
  const rest = reply.text.slice(half)
  if (rest === '') return [chunk(model, [{ text: first }], tokens)]
  return [chunk(model, [{ text: first }]), chunk(model, [{ text: rest }], tokens)]
}

const STATUS: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  503: 'UNAVAILABLE',
}

export const geminiProtocol: UpstreamProtocol = {
  name: 'gemini',
  matches: (method, path) => method === 'POST' && PATH.test(path),
  read: (body, path) => readGeminiRequest(body, path),
  send(res: ServerResponse, reply: Reply, view: ConversationView, tokens: ReplyTokens): void {
    if (!view.stream) {
      const parts =
        reply.kind === 'text'
          ? [{ text: reply.text }]
          : [{ functionCall: { name: reply.call.name, args: reply.call.input } }]
      sendJson(res, 200, chunk(view.model, parts, tokens))
      return
    }
    sendSse(
      res,
      chunks(reply, view.model, tokens).map((data) => ({ data })),
    )
  },
  sendError(res, status, message) {
    sendJson(res, status, { error: { code: status, message, status: STATUS[status] ?? 'INTERNAL' } })
  },
}
