import type { TokenUsage, TranscriptMetrics } from '../agents/types.ts'
import { type PricingTable, priceUsage } from '../models/pricing.ts'
import {
  assistantMessage,
  findResultEvent,
  isInitEvent,
  isRecord,
  isSubagentEvent,
  isUnparsed,
  type RawUsage,
  type StreamJsonEvent,
  type TranscriptEntry,
  type TranscriptEvent,
  textBlocks,
} from './events.ts'
import { timeoutAtTurn } from './exit-reason.ts'
import { lastToolCall, toolSummary } from './tool-calls.ts'

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0
}

/** Converts the API's usage object to evalbox's `TokenUsage`. */
export function toTokenUsage(raw: RawUsage): TokenUsage {
  const usage: TokenUsage = { input: count(raw.input_tokens), output: count(raw.output_tokens) }
  if (raw.cache_read_input_tokens !== undefined) usage.cacheRead = count(raw.cache_read_input_tokens)
  if (raw.cache_creation_input_tokens !== undefined) usage.cacheWrite = count(raw.cache_creation_input_tokens)
  return usage
}

function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  const sum: TokenUsage = { input: a.input + b.input, output: a.output + b.output }
  if (a.cacheRead !== undefined || b.cacheRead !== undefined)
    sum.cacheRead = (a.cacheRead ?? 0) + (b.cacheRead ?? 0)
  if (a.cacheWrite !== undefined || b.cacheWrite !== undefined)
    sum.cacheWrite = (a.cacheWrite ?? 0) + (b.cacheWrite ?? 0)
  return sum
}

/**
 * Turns used. Rule: the result event's `num_turns` when present (Claude Code's own count);
 * otherwise (a run cut short) the number of model responses of the main agent, that is,
 * assistant events whose `message.id` differs from the previous one's (Claude Code repeats
 * the id on each content block of one response; events without an id count one each).
 * Subagent events (`parent_tool_use_id` set) are not turns of the main agent.
 */
export function turnsUsed(events: readonly TranscriptEvent[]): number {
  const result = findResultEvent(events)
  if (result && typeof result.num_turns === 'number' && result.num_turns >= 0) return result.num_turns
  let turns = 0
  let previousId: string | undefined
  for (const event of events) {
    const message = assistantMessage(event)
    if (!message || isSubagentEvent(event)) continue
    if (message.id === undefined || message.id !== previousId) turns++
    previousId = message.id
  }
  return turns
}

/** Per distinct assistant message (last event of an id wins): its model and usage. */
function messageUsages(events: readonly TranscriptEvent[]): { model?: string; usage: TokenUsage }[] {
  const byId = new Map<string, { model?: string; usage: TokenUsage }>()
  const anonymous: { model?: string; usage: TokenUsage }[] = []
  for (const event of events) {
    const message = assistantMessage(event)
    if (!message?.usage) continue
    const item = { model: message.model, usage: toTokenUsage(message.usage) }
    if (message.id === undefined) anonymous.push(item)
    else byId.set(message.id, item)
  }
  return [...byId.values(), ...anonymous]
}

/**
 * Tokens of the run: the result event's `usage` (the run's total) when present, else the
 * sum over distinct assistant messages. Never both, so nothing is counted twice.
 */
export function tokenUsage(events: readonly TranscriptEvent[]): TokenUsage | undefined {
  const result = findResultEvent(events)
  if (result && isRecord(result.usage)) return toTokenUsage(result.usage)
  const items = messageUsages(events)
  if (items.length === 0) return undefined
  return items.map((item) => item.usage).reduce(addUsage)
}

/**
 * Cost in USD: the result event's `total_cost_usd` (or the older `cost_usd`) when present;
 * otherwise priced per assistant message with `pricing` (each message at its own model).
 * Undefined when neither is possible.
 */
export function transcriptCost(
  events: readonly TranscriptEvent[],
  pricing?: PricingTable,
): number | undefined {
  const result = findResultEvent(events)
  if (typeof result?.total_cost_usd === 'number') return result.total_cost_usd
  if (typeof result?.cost_usd === 'number') return result.cost_usd
  if (!pricing) return undefined
  const fallbackModel = transcriptModel(events)
  let total = 0
  let priced = false
  for (const item of messageUsages(events)) {
    const model = item.model ?? fallbackModel
    if (model === undefined) continue
    const cost = priceUsage(model, item.usage, pricing)
    total += cost.costUsd
    priced ||= cost.priced
  }
  return priced ? total : undefined
}

/** The model: from the `init` event, else the first assistant message. */
export function transcriptModel(events: readonly TranscriptEvent[]): string | undefined {
  for (const event of events) {
    if (isInitEvent(event) && typeof (event as StreamJsonEvent).model === 'string')
      return (event as StreamJsonEvent).model as string
  }
  for (const event of events) {
    const model = assistantMessage(event)?.model
    if (model) return model
  }
  return undefined
}

/**
 * The agent's final message: the result event's `result` text, else the text blocks of the
 * last main-agent message that has text (a run cut short, or an error result).
 */
export function finalMessage(events: readonly TranscriptEvent[]): string | undefined {
  const result = findResultEvent(events)
  if (typeof result?.result === 'string' && result.result !== '') return result.result
  let texts: string[] = []
  let textId: string | undefined
  for (const event of events) {
    const message = assistantMessage(event)
    if (!message || isSubagentEvent(event)) continue
    const blocks = textBlocks(message.content)
    if (blocks.length === 0) continue
    if (message.id === undefined || message.id !== textId) texts = []
    texts.push(...blocks)
    textId = message.id
  }
  return texts.length > 0 ? texts.join('\n\n') : undefined
}

/**
 * Milliseconds from `startedAt` to the first response: the first event after start-up that
 * is not a `system` event (init, hooks) nor an unparsed line, usually the first assistant
 * message.
 */
export function firstResponseMs(
  entries: readonly TranscriptEntry[],
  startedAt: number | undefined,
): number | undefined {
  if (startedAt === undefined) return undefined
  for (const { event, at } of entries) {
    if (event.type === 'system' || isUnparsed(event)) continue
    return at === undefined ? undefined : Math.max(0, at - startedAt)
  }
  return undefined
}

/** The largest gap in ms between consecutive assistant events (model latency plus tool time). */
export function maxInterTurnMs(entries: readonly TranscriptEntry[]): number | undefined {
  let previous: number | undefined
  let max: number | undefined
  for (const { event, at } of entries) {
    if (event.type !== 'assistant' || at === undefined) continue
    if (previous !== undefined) max = Math.max(max ?? 0, at - previous)
    previous = at
  }
  return max
}

/** Options of `deriveMetrics`. */
export interface DeriveMetricsOptions {
  /** When the agent process started (same clock as the entries' `at`). */
  readonly startedAt?: number
  /** Prices used when the transcript has no cost of its own. @default none: cost stays undefined */
  readonly pricing?: PricingTable
  /** The run was killed by a timeout: sets `timeoutAtTurn`. @default false */
  readonly timedOut?: boolean
}

/** Everything `TranscriptMetrics` holds, derived from parsed entries. Pure. */
export function deriveMetrics(
  entries: readonly TranscriptEntry[],
  options: DeriveMetricsOptions = {},
): TranscriptMetrics {
  const events = entries.map((entry) => entry.event)
  const metrics: TranscriptMetrics = { turns: turnsUsed(events), toolSummary: toolSummary(events) }
  const optional: Omit<TranscriptMetrics, 'turns' | 'toolSummary'> = {
    lastToolCall: lastToolCall(events),
    firstResponseMs: firstResponseMs(entries, options.startedAt),
    maxInterTurnMs: maxInterTurnMs(entries),
    timeoutAtTurn: options.timedOut ? timeoutAtTurn(metrics) : undefined,
    tokens: tokenUsage(events),
    costUsd: transcriptCost(events, options.pricing),
    model: transcriptModel(events),
    finalMessage: finalMessage(events),
  }
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (metrics as unknown as Record<string, unknown>)[key] = value
  }
  return metrics
}
