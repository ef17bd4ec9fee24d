/**
 * Codex's `codex exec --json` output as stream-json. Its lines (0.171.0):
 * `thread.started` {thread_id}; `turn.started`; `item.started` / `item.updated` /
 * `item.completed` {item: {id, type, …}} with item types `agent_message` {text}, `reasoning`,
 * `command_execution` {command, aggregated_output, exit_code, status}, `file_change`
 * {changes: [{path, kind: add|update|delete}]}, `mcp_tool_call` {server, tool, arguments},
 * `web_search` {query}, `todo_list` {items}, `error` {message} (a warning); `turn.completed`
 * {usage: {input_tokens, cached_input_tokens, output_tokens}}; `turn.failed` {error: {message}};
 * `error` {message}. Each item that is a model action becomes one assistant message (Codex
 * does not say which items one response held), a command's output its tool result.
 */
import { isRecord, type StreamJsonEvent } from '../events.ts'
import type { DialectReader, TranscriptDialect } from '../parser.ts'

/** Options of {@link codexDialect}. */
export interface CodexDialectOptions {
  /** The model the run asked for: Codex's output never names it. */
  readonly model?: string
}

type Json = Record<string, unknown>

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

/** `/bin/bash -lc 'npm test'` → `npm test`: the command the model asked for, as Codex wraps it. */
export function unwrapShell(command: string): string {
  const match = /^(?:\/(?:usr\/)?bin\/)?(?:ba|z)?sh -lc '((?:[^']|'\\'')*)'$/s.exec(command)
  return match ? match[1]!.replaceAll("'\\''", "'") : command
}

/** The tool calls an item stands for (common tool names where one corresponds). */
function toolUses(item: Json): Json[] {
  const id = text(item.id) ?? 'item'
  switch (item.type) {
    case 'command_execution':
      return [
        { type: 'tool_use', id, name: 'Bash', input: { command: unwrapShell(text(item.command) ?? '') } },
      ]
    case 'file_change': {
      const changes = Array.isArray(item.changes) ? item.changes.filter(isRecord) : []
      return changes.map((change, index) => ({
        type: 'tool_use',
        id: changes.length === 1 ? id : `${id}#${index}`,
        name: change.kind === 'add' ? 'Write' : 'Edit',
        input: { file_path: text(change.path) ?? '', ...(change.kind === 'delete' ? { delete: true } : {}) },
      }))
    }
    case 'mcp_tool_call':
      return [
        {
          type: 'tool_use',
          id,
          name: `mcp__${text(item.server) ?? 'server'}__${text(item.tool) ?? 'tool'}`,
          input: isRecord(item.arguments) ? item.arguments : {},
        },
      ]
    case 'web_search':
      return [{ type: 'tool_use', id, name: 'WebSearch', input: { query: text(item.query) ?? '' } }]
    case 'todo_list':
      return [{ type: 'tool_use', id, name: 'TodoWrite', input: { todos: item.items ?? [] } }]
    default:
      return []
  }
}

/** The tool result of a finished item, when it has one. */
function toolResult(item: Json, toolUseId: string): Json | undefined {
  if (item.type === 'command_execution') {
    const exitCode = item.exit_code
    return {
      type: 'tool_result',
      tool_use_id: toolUseId,
      content: text(item.aggregated_output) ?? '',
      is_error: item.status === 'failed' || (typeof exitCode === 'number' && exitCode !== 0),
    }
  }
  if (item.type === 'mcp_tool_call' || item.type === 'file_change') {
    const failed = item.status === 'failed' || item.error !== undefined
    const content = isRecord(item.error) ? (text(item.error.message) ?? '') : failed ? 'failed' : 'ok'
    return { type: 'tool_result', tool_use_id: toolUseId, content, is_error: failed }
  }
  return undefined
}

/** Codex's exec JSON lines as stream-json events. */
export function codexDialect(options: CodexDialectOptions = {}): TranscriptDialect {
  return { name: 'codex', start: () => readCodex(options) }
}

function readCodex(options: CodexDialectOptions): DialectReader {
  const model = options.model
  /** Items whose tool_use was already sent (on item.started). */
  const opened = new Set<string>()
  let turns = 0
  let lastText: string | undefined
  let error: string | undefined
  let finished = false

  const assistant = (id: string, content: Json[]): StreamJsonEvent => {
    turns++
    return { type: 'assistant', message: { id: `codex-${id}`, model, role: 'assistant', content } }
  }

  const item = (kind: 'started' | 'completed', value: Json): StreamJsonEvent[] => {
    const id = text(value.id) ?? `item-${turns}`
    if (value.type === 'agent_message') {
      if (kind !== 'completed') return []
      lastText = text(value.text) ?? ''
      return [assistant(id, [{ type: 'text', text: lastText }])]
    }
    const uses = toolUses(value)
    if (uses.length === 0) return []
    const events: StreamJsonEvent[] = []
    if (!opened.has(id)) {
      opened.add(id)
      events.push(assistant(id, uses))
    }
    if (kind === 'completed') {
      const results = uses.flatMap((use) => toolResult(value, use.id as string) ?? [])
      if (results.length > 0) events.push({ type: 'user', message: { role: 'user', content: results } })
    }
    return events
  }

  const result = (fields: Json): StreamJsonEvent => {
    finished = true
    return { type: 'result', num_turns: turns, ...fields }
  }

  return {
    line(event) {
      switch (event.type) {
        case 'thread.started':
          return [
            {
              type: 'system',
              subtype: 'init',
              session_id: text(event.thread_id),
              ...(model ? { model } : {}),
            },
          ]
        case 'item.started':
        case 'item.completed':
          return isRecord(event.item)
            ? item(event.type === 'item.started' ? 'started' : 'completed', event.item)
            : []
        case 'turn.completed': {
          const usage = isRecord(event.usage) ? event.usage : {}
          const count = (value: unknown) => (typeof value === 'number' && value >= 0 ? value : 0)
          const cached = count(usage.cached_input_tokens)
          return [
            result({
              subtype: 'success',
              is_error: false,
              // Codex's input_tokens include the cached ones; stream-json's do not.
              usage: {
                input_tokens: Math.max(0, count(usage.input_tokens) - cached),
                output_tokens: count(usage.output_tokens),
                cache_read_input_tokens: cached,
              },
              ...(lastText === undefined ? {} : { result: lastText }),
            }),
          ]
        }
        case 'turn.failed': {
          const message = isRecord(event.error) ? text(event.error.message) : undefined
          return [
            result({
              subtype: 'error_during_execution',
              is_error: true,
              error: message ?? error ?? 'turn failed',
            }),
          ]
        }
        case 'error':
          error = text(event.message) ?? error
          return []
        default:
          return []
      }
    },
    end() {
      if (finished || error === undefined) return []
      return [result({ subtype: 'error_during_execution', is_error: true, error })]
    },
  }
}
