import type { TranscriptEvent } from '../../transcript/index.ts'
import { formatToolCall, parseTranscript, toolCalls } from '../../transcript/index.ts'
import { initCwd } from '../../transcript/tool-calls.ts'
import type { ToolCallList } from './types.ts'

/** Longest argument shown in a tool call label; the page has room for more than a terminal. */
const LABEL_ARGUMENT_MAX = 160

/**
 * The tool calls of a transcript as short labels (`Bash(npm test)`, `Edit(src/a.ts)`, paths
 * relative to the transcript's working directory), at most `limit` of them. `transcript` is
 * NDJSON text (a kept `transcript.ndjson`) or already-parsed events (a seed-format inline
 * transcript). Pure.
 */
export function toolCallList(
  transcript: string | readonly unknown[],
  source: string,
  limit: number,
): ToolCallList {
  const events = (
    typeof transcript === 'string' ? parseTranscript(transcript) : transcript.filter(isEvent)
  ) as TranscriptEvent[]
  const cwd = initCwd(events)
  const all = toolCalls(events)
  const calls = all
    .slice(0, limit)
    .map((call) => formatToolCall(call.name, call.input, { cwd, maxLength: LABEL_ARGUMENT_MAX }))
  return { calls, omitted: all.length - calls.length, source }
}

function isEvent(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
