import {
  assistantMessage,
  isInitEvent,
  type StreamJsonEvent,
  type ToolUseBlock,
  type TranscriptEvent,
  toolUseBlocks,
} from './events.ts'

// The input field that says most about a call, in order of preference. Paths first: for
// Read/Write/Edit the file is the story; for Bash the command; for Grep/Glob the pattern.
const TELLING_FIELDS = [
  'file_path',
  'notebook_path',
  'path',
  'command',
  'pattern',
  'url',
  'query',
  'description',
  'skill',
] as const
const PATH_FIELDS = new Set(['file_path', 'notebook_path', 'path'])

/** Options of `formatToolCall`. */
export interface FormatToolCallOptions {
  /** Paths under this directory are shown relative to it. */
  readonly cwd?: string
  /** Longest argument shown; longer paths keep their end, longer commands their start. @default 60 */
  readonly maxLength?: number
}

/**
 * One tool call as a short label: `Write(review.md)`, `Bash(npm test)`, `Grep(TODO)`, or
 * just the tool name when its input has no telling field.
 */
export function formatToolCall(
  name: string,
  input: Readonly<Record<string, unknown>>,
  options: FormatToolCallOptions = {},
): string {
  const maxLength = options.maxLength ?? 60
  for (const field of TELLING_FIELDS) {
    const value = input[field]
    if (typeof value !== 'string' || value.trim() === '') continue
    if (PATH_FIELDS.has(field)) {
      const path = relativeTo(value.trim(), options.cwd)
      const shown = path.length > maxLength ? `…${path.slice(path.length - maxLength + 1)}` : path
      return `${name}(${shown})`
    }
    const oneLine = value.replace(/\s+/g, ' ').trim()
    const shown = oneLine.length > maxLength ? `${oneLine.slice(0, maxLength - 1)}…` : oneLine
    return `${name}(${shown})`
  }
  return name
}

function relativeTo(path: string, cwd: string | undefined): string {
  if (!cwd) return path
  const base = cwd.endsWith('/') ? cwd : `${cwd}/`
  return path.startsWith(base) && path.length > base.length ? path.slice(base.length) : path
}

/**
 * Every tool call of the transcript in order, subagent calls included. A block repeated
 * with the same id (a replayed message) counts once.
 */
export function toolCalls(events: readonly TranscriptEvent[]): ToolUseBlock[] {
  const seen = new Set<string>()
  const calls: ToolUseBlock[] = []
  for (const event of events) {
    const message = assistantMessage(event)
    if (!message) continue
    for (const block of toolUseBlocks(message.content)) {
      if (block.id !== undefined) {
        if (seen.has(block.id)) continue
        seen.add(block.id)
      }
      calls.push(block)
    }
  }
  return calls
}

/** The working directory the `init` event announces, used to shorten paths. */
export function initCwd(events: readonly TranscriptEvent[]): string | undefined {
  for (const event of events) {
    if (!isInitEvent(event)) continue
    const cwd = (event as StreamJsonEvent).cwd
    return typeof cwd === 'string' ? cwd : undefined
  }
  return undefined
}
