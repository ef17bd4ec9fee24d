import { createTranscriptParser, type TranscriptParser } from '../transcript/index.ts'
import { createByteBudget, transcriptTruncation } from './output-stream.ts'
import type { OutputTruncation } from './types.ts'

const SESSION = 'evalbox-scripted'

/**
 * Writes a stream-json transcript in Claude Code's shapes (see `transcript/events.ts`) and
 * feeds each line to a real transcript parser as it is written, so scripted runs go
 * through the same parsing and metrics as real agents.
 */
export interface ScriptedTranscript {
  readonly parser: TranscriptParser
  /** Assistant messages written so far (each is one turn). */
  readonly turns: number
  init(cwd: string, model: string): void
  say(text: string): void
  /** Writes an assistant message with one tool call; returns the call's id. */
  toolUse(name: string, input: Record<string, unknown>): string
  toolResult(id: string, content: string, isError: boolean): void
  result(fields: { subtype: string; isError: boolean; result: string; durationMs: number }): void
  /** The NDJSON text written so far (its first `maxBytes`). */
  text(): string
  /** What was cut at `maxBytes`, for `AgentResult.outputTruncated`. */
  truncation(): OutputTruncation
}

/** Makes an empty transcript whose parser clock starts now; text and events keep `maxBytes` each. */
export function createScriptedTranscript(maxBytes: number): ScriptedTranscript {
  const parser = createTranscriptParser({ maxBytes })
  const budget = createByteBudget(maxBytes)
  const lines: string[] = []
  let turns = 0
  const write = (event: Record<string, unknown>) => {
    const line = `${JSON.stringify({ ...event, session_id: SESSION })}\n`
    const kept = budget.take(line)
    if (kept !== '') lines.push(kept)
    parser.push(line)
  }
  const assistant = (content: unknown[]) => {
    turns++
    write({
      type: 'assistant',
      message: { id: `msg_scripted_${turns}`, type: 'message', role: 'assistant', content },
      parent_tool_use_id: null,
    })
  }
  return {
    parser,
    get turns() {
      return turns
    },
    init: (cwd, model) =>
      write({ type: 'system', subtype: 'init', cwd, model, tools: ['Write', 'Edit', 'Bash'] }),
    say: (text) => assistant([{ type: 'text', text }]),
    toolUse(name, input) {
      const id = `toolu_scripted_${turns + 1}`
      assistant([{ type: 'tool_use', id, name, input }])
      return id
    },
    toolResult: (id, content, isError) =>
      write({
        type: 'user',
        message: {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: id, content, is_error: isError }],
        },
        parent_tool_use_id: null,
      }),
    result: (fields) =>
      write({
        type: 'result',
        subtype: fields.subtype,
        is_error: fields.isError,
        duration_ms: fields.durationMs,
        num_turns: turns,
        result: fields.result,
        total_cost_usd: 0,
        usage: {
          input_tokens: 0,
          output_tokens: 0,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
        },
      }),
    text: () => lines.join(''),
    truncation: () => transcriptTruncation(budget, parser),
  }
}
