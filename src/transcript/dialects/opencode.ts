/**
 * opencode's `run --format json`: one event a line — `step_start`, `tool_use` (a finished
 * call with its input and output), `text`, `step_finish` (the step's tokens and cost),
 * `error` — and no summary at the end. Each step is one model call, so one assistant
 * message (its `messageID`); the `result` is made at the end from the steps.
 */
import { isRecord, type StreamJsonEvent } from '../events.ts'
import type { DialectReader, TranscriptDialect } from '../parser.ts'

/** opencode 1.18 tool names → the common names. */
export const OPENCODE_TOOL_NAMES: Readonly<Record<string, string>> = {
  bash: 'Bash',
  write: 'Write',
  read: 'Read',
  edit: 'Edit',
  glob: 'Glob',
  grep: 'Grep',
  list: 'LS',
  webfetch: 'WebFetch',
  websearch: 'WebSearch',
  todowrite: 'TodoWrite',
  todoread: 'TodoRead',
  task: 'Task',
  skill: 'Skill',
  patch: 'Patch',
}

type Json = Record<string, unknown>

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0)
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

/** The error text of an `error` event (`{ error: { name, data: { message } } }`) or a failed tool. */
function errorText(error: unknown): string {
  if (typeof error === 'string') return error
  if (!isRecord(error)) return 'unknown error'
  const data = isRecord(error.data) ? error.data : {}
  return str(data.message) ?? str(error.message) ?? str(error.name) ?? JSON.stringify(error)
}

/**
 * opencode's transcript as stream-json events. `model` is what the adapter selected
 * (`provider/model`): opencode's output does not name it.
 */
export function opencodeDialect(options: { model?: string } = {}): TranscriptDialect {
  return { name: 'opencode', start: () => readOpencode(options.model) }
}

function readOpencode(model: string | undefined): DialectReader {
  let started = false
  let steps = 0
  let lastText: string | undefined
  let error: string | undefined
  const total = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, cost: 0 }

  const assistant = (part: Json, content: Json[], usage?: Json): StreamJsonEvent => ({
    type: 'assistant',
    message: {
      id: str(part.messageID),
      ...(model === undefined ? {} : { model }),
      content,
      ...(usage ? { usage } : {}),
    },
  })

  const translate = (event: StreamJsonEvent): StreamJsonEvent[] => {
    const part = isRecord(event.part) ? event.part : {}
    switch (event.type) {
      case 'text': {
        const text = str(part.text)
        if (text === undefined || text === '') return []
        lastText = text
        return [assistant(part, [{ type: 'text', text }])]
      }
      case 'tool_use': {
        const state = isRecord(part.state) ? part.state : {}
        const tool = str(part.tool) ?? 'unknown'
        const id = str(part.callID) ?? str(part.id)
        const failed = state.status === 'error'
        const output = failed ? errorText(state.error) : (str(state.output) ?? '')
        return [
          assistant(part, [
            {
              type: 'tool_use',
              id,
              name: OPENCODE_TOOL_NAMES[tool] ?? tool,
              input: isRecord(state.input) ? state.input : {},
            },
          ]),
          {
            type: 'user',
            message: {
              content: [{ type: 'tool_result', tool_use_id: id, content: output, is_error: failed }],
            },
          },
        ]
      }
      case 'step_finish': {
        steps++
        const tokens = isRecord(part.tokens) ? part.tokens : {}
        const cache = isRecord(tokens.cache) ? tokens.cache : {}
        const usage = {
          input_tokens: num(tokens.input),
          output_tokens: num(tokens.output) + num(tokens.reasoning),
          cache_read_input_tokens: num(cache.read),
          cache_creation_input_tokens: num(cache.write),
        }
        total.input += usage.input_tokens
        total.output += usage.output_tokens
        total.cacheRead += usage.cache_read_input_tokens
        total.cacheWrite += usage.cache_creation_input_tokens
        total.cost += num(part.cost)
        // Same message id as the step's blocks: its usage, not another turn.
        return [assistant(part, [], usage)]
      }
      case 'error':
        error = errorText(event.error)
        return []
      default:
        return []
    }
  }

  return {
    line(event) {
      const events = translate(event)
      if (started) return events
      started = true
      return [{ type: 'system', subtype: 'init', ...(model === undefined ? {} : { model }) }, ...events]
    },
    end() {
      const result: Json = {
        type: 'result',
        subtype: error === undefined ? 'success' : 'error_during_execution',
        is_error: error !== undefined,
        num_turns: steps,
        result: error ?? lastText ?? '',
        usage: {
          input_tokens: total.input,
          output_tokens: total.output,
          cache_read_input_tokens: total.cacheRead,
          cache_creation_input_tokens: total.cacheWrite,
        },
      }
      // opencode prices only the models it knows; a custom provider's steps cost 0, which
      // is no price, so evalbox's table estimates it instead.
      if (total.cost > 0) result.total_cost_usd = total.cost
      return [result]
    },
  }
}
