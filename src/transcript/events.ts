/*
 * Event shapes of Claude Code's print mode with `--output-format stream-json --verbose`,
 * one JSON object a line. Confirmed against public sources (Agent SDK message types,
 * Claude Code headless docs, and several open-source parsers of this stream), Nov 2026:
 * - `{"type":"system","subtype":"init","session_id","cwd","model","tools":[...],...}` first;
 *   other `system` subtypes (hook responses, retries) may appear later.
 * - `{"type":"assistant","message":{"id","model","content":[...],"usage":{...}},
 *   "parent_tool_use_id":null|"toolu_..","session_id"}`. Claude Code emits ONE event per
 *   content block, repeating the same `message.id` and the same `usage` on each, so turns
 *   and tokens must be counted per message id, not per event.
 * - `{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id","content",
 *   "is_error"}]}}` carries tool results.
 * - Last: `{"type":"result","subtype":"success"|"error_max_turns"|"error_during_execution"|...,
 *   "is_error","num_turns","duration_ms","duration_api_ms","total_cost_usd","usage":{...},
 *   "result":"final text" (success only),"session_id"}`. Its `usage` is the run's total
 *   (input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens);
 *   older versions called the cost field `cost_usd`.
 * Shapes drift between versions, so every read below is defensive.
 */

/** One parsed line of a stream-json transcript: a JSON object, usually with a string `type`. */
export type StreamJsonEvent = { readonly type?: unknown } & Readonly<Record<string, unknown>>

/** A line that was not a JSON object; kept so nothing the agent printed is lost. */
export interface UnparsedLine {
  readonly type: 'unparsed'
  readonly line: string
  readonly error: string
}

/** Anything the parser yields for a non-blank line. */
export type TranscriptEvent = StreamJsonEvent | UnparsedLine

/** An event with the time (ms, from the parser's clock) at which its line completed. */
export interface TranscriptEntry {
  readonly event: TranscriptEvent
  readonly at?: number
}

/** Token counts as the Anthropic API and Claude Code report them. */
export interface RawUsage {
  readonly input_tokens?: number
  readonly output_tokens?: number
  readonly cache_creation_input_tokens?: number
  readonly cache_read_input_tokens?: number
}

/** A `tool_use` content block of an assistant message. */
export interface ToolUseBlock {
  readonly type: 'tool_use'
  readonly id?: string
  readonly name: string
  readonly input: Readonly<Record<string, unknown>>
}

/** The assistant message inside an `assistant` event. */
export interface AssistantMessage {
  readonly id?: string
  readonly model?: string
  readonly content: readonly unknown[]
  readonly usage?: RawUsage
}

/** The final `result` event. */
export interface ResultEvent {
  readonly type: 'result'
  readonly subtype?: string
  readonly is_error?: boolean
  readonly num_turns?: number
  readonly duration_ms?: number
  readonly total_cost_usd?: number
  readonly cost_usd?: number
  readonly usage?: RawUsage
  readonly result?: string
}

/** True for plain JSON objects (not arrays, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** True for lines the parser could not read as a JSON object. */
export function isUnparsed(event: TranscriptEvent): event is UnparsedLine {
  return event.type === 'unparsed' && typeof (event as UnparsedLine).line === 'string'
}

/** True for `system`/`init` events. */
export function isInitEvent(event: TranscriptEvent): boolean {
  return event.type === 'system' && (event as StreamJsonEvent).subtype === 'init'
}

/** The assistant message of an `assistant` event, or undefined for any other event. */
export function assistantMessage(event: TranscriptEvent): AssistantMessage | undefined {
  if (event.type !== 'assistant') return undefined
  const message = (event as StreamJsonEvent).message
  if (!isRecord(message)) return undefined
  return {
    id: typeof message.id === 'string' ? message.id : undefined,
    model: typeof message.model === 'string' ? message.model : undefined,
    content: Array.isArray(message.content) ? message.content : [],
    usage: isRecord(message.usage) ? (message.usage as RawUsage) : undefined,
  }
}

/** True when an assistant event belongs to a subagent (Claude Code's Task tool). */
export function isSubagentEvent(event: TranscriptEvent): boolean {
  const parent = (event as StreamJsonEvent).parent_tool_use_id
  return typeof parent === 'string' && parent !== ''
}

/** The `tool_use` blocks of a message's content. */
export function toolUseBlocks(content: readonly unknown[]): ToolUseBlock[] {
  const blocks: ToolUseBlock[] = []
  for (const block of content) {
    if (!isRecord(block) || block.type !== 'tool_use') continue
    blocks.push({
      type: 'tool_use',
      id: typeof block.id === 'string' ? block.id : undefined,
      name: typeof block.name === 'string' && block.name !== '' ? block.name : 'unknown',
      input: isRecord(block.input) ? block.input : {},
    })
  }
  return blocks
}

/** The text of a message's `text` blocks. */
export function textBlocks(content: readonly unknown[]): string[] {
  const texts: string[] = []
  for (const block of content) {
    if (isRecord(block) && block.type === 'text' && typeof block.text === 'string') texts.push(block.text)
  }
  return texts
}

/** The last `result` event of a transcript, when there is one. */
export function findResultEvent(events: readonly TranscriptEvent[]): ResultEvent | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i]!
    if (event.type === 'result') return event as ResultEvent
  }
  return undefined
}
