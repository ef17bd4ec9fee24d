/**
 * Gemini CLI's `--output-format stream-json` as stream-json. Its lines (0.61.0): `init`
 * {session_id, model}; `message` {role: user|assistant, content, delta} — the assistant's
 * text streamed in pieces; `tool_use` {tool_name, tool_id, parameters}; `tool_result`
 * {tool_id, status: success|error, output, error}; `result` {status, error, stats:
 * {input_tokens, output_tokens, cached, input, tool_calls, duration_ms}}. One model response
 * (its text pieces and the tool calls after them, up to the next tool result) becomes one
 * assistant message, its text joined.
 */
import { isRecord, type StreamJsonEvent } from '../events.ts'
import type { DialectReader, TranscriptDialect } from '../parser.ts'

type Json = Record<string, unknown>

/** Gemini CLI's tool names → the common ones. */
export const GEMINI_TOOL_NAMES: Readonly<Record<string, string>> = {
  run_shell_command: 'Bash',
  write_file: 'Write',
  read_file: 'Read',
  read_many_files: 'Read',
  replace: 'Edit',
  glob: 'Glob',
  search_file_content: 'Grep',
  grep_search: 'Grep',
  web_fetch: 'WebFetch',
  google_web_search: 'WebSearch',
  write_todos: 'TodoWrite',
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

/** The input as the common tool reads it (`absolute_path` of older read_file is `file_path`). */
function commonInput(parameters: Json): Json {
  if (typeof parameters.file_path !== 'string' && typeof parameters.absolute_path === 'string')
    return { ...parameters, file_path: parameters.absolute_path }
  return parameters
}

/** Gemini CLI's stream-json lines as Claude-style stream-json events. */
export const geminiDialect: TranscriptDialect = { name: 'gemini', start: readGemini }

function readGemini(): DialectReader {
  let model: string | undefined
  let response = 0
  /** The open response: text so far, and whether anything of it was sent. */
  let pending = ''
  let open = false
  let lastText: string | undefined
  let turns = 0
  let finished = false

  const messageId = () => `gemini-${response}`
  const begin = () => {
    if (open) return
    open = true
    response++
    turns++
  }
  const assistant = (content: Json[]): StreamJsonEvent => ({
    type: 'assistant',
    message: { id: messageId(), model, role: 'assistant', content },
  })
  /** The response's text as one block, when some is waiting. */
  const flushText = (): Json[] => {
    if (pending === '') return []
    lastText = pending
    pending = ''
    return [{ type: 'text', text: lastText }]
  }
  const close = (): StreamJsonEvent[] => {
    const blocks = flushText()
    open = false
    return blocks.length > 0 ? [assistant(blocks)] : []
  }

  return {
    line(event) {
      switch (event.type) {
        case 'init':
          model = text(event.model)
          return [{ type: 'system', subtype: 'init', session_id: text(event.session_id), model }]
        case 'message': {
          if (event.role !== 'assistant') return []
          // A whole message (no delta) after streamed pieces starts over.
          begin()
          const piece = text(event.content) ?? ''
          pending = event.delta === true ? pending + piece : piece
          return []
        }
        case 'tool_use': {
          begin()
          const name = text(event.tool_name) ?? 'unknown'
          const parameters = isRecord(event.parameters) ? event.parameters : {}
          const use = {
            type: 'tool_use',
            id: text(event.tool_id),
            name: GEMINI_TOOL_NAMES[name] ?? name,
            input: commonInput(parameters),
          }
          return [assistant([...flushText(), use])]
        }
        case 'tool_result': {
          const events = close()
          const failed = event.status !== 'success'
          const error = isRecord(event.error) ? text(event.error.message) : text(event.error)
          const content = text(event.output) ?? (failed ? (error ?? 'failed') : '')
          events.push({
            type: 'user',
            message: {
              role: 'user',
              content: [{ type: 'tool_result', tool_use_id: text(event.tool_id), content, is_error: failed }],
            },
          })
          return events
        }
        case 'result': {
          const events = close()
          finished = true
          const stats = isRecord(event.stats) ? event.stats : {}
          const count = (value: unknown) => (typeof value === 'number' && value >= 0 ? value : undefined)
          const cached = count(stats.cached) ?? 0
          const input = count(stats.input) ?? Math.max(0, (count(stats.input_tokens) ?? 0) - cached)
          const ok = event.status === 'success'
          const error = isRecord(event.error) ? text(event.error.message) : undefined
          events.push({
            type: 'result',
            subtype: ok ? 'success' : 'error_during_execution',
            is_error: !ok,
            num_turns: turns,
            ...(count(stats.duration_ms) === undefined ? {} : { duration_ms: stats.duration_ms }),
            usage: {
              input_tokens: input,
              output_tokens: count(stats.output_tokens) ?? 0,
              cache_read_input_tokens: cached,
            },
            ...(ok && lastText !== undefined ? { result: lastText } : {}),
            ...(error === undefined ? {} : { error }),
          })
          return events
        }
        default:
          return []
      }
    },
    end() {
      // Killed before its result: the text it was streaming still counts.
      return finished ? [] : close()
    },
  }
}
