import { type PricingTable, priceUsage } from '../core/pricing.ts'
import type { TokenUsage, TranscriptMetrics } from '../core/usage.ts'
import {
  assistantMessage,
  isInitEvent,
  isRecord,
  isSubagentEvent,
  isUnparsed,
  type RawUsage,
  type ResultEvent,
  type StreamJsonEvent,
  type ToolUseBlock,
  type TranscriptEntry,
  textBlocks,
  toolUseBlocks,
} from './events.ts'
import { timeoutAtTurn } from './exit-reason.ts'
import { formatToolCall } from './tool-calls.ts'

/*
 * The tally keeps a fixed amount of state however long the transcript is, so a flood of
 * events costs time, not memory. The bounds below are far beyond real transcripts; past
 * them the counts stay right and only these details blur.
 */
/** Message ids whose usage a later event of the same id still replaces (older ones are final). */
const RECENT_MESSAGES = 100
/** Tool-use ids remembered so that a replayed block counts once. */
const RECENT_TOOL_IDS = 1000
/** Distinct tool names counted apart; further names count as {@link OTHER_TOOLS}. */
const MAX_TOOL_NAMES = 500
/** Distinct models priced apart; further models are priced as the transcript's model. */
const MAX_MODELS = 100
/** Characters of the final message kept. */
const MAX_FINAL_MESSAGE = 1_048_576
/** The tool summary's name for calls past {@link MAX_TOOL_NAMES} distinct names. */
export const OTHER_TOOLS = '(other tools)'

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

/** Adds `sign` × `usage` into `sum`; a cache field once present stays present. */
function shiftUsage(sum: TokenUsage, usage: TokenUsage, sign: 1 | -1): void {
  sum.input += sign * usage.input
  sum.output += sign * usage.output
  if (usage.cacheRead !== undefined) sum.cacheRead = (sum.cacheRead ?? 0) + sign * usage.cacheRead
  if (usage.cacheWrite !== undefined) sum.cacheWrite = (sum.cacheWrite ?? 0) + sign * usage.cacheWrite
}

/** Options of `createMetricsTally` and `deriveMetrics`. */
export interface DeriveMetricsOptions {
  /** When the agent process started (same clock as the entries' `at`). */
  readonly startedAt?: number
  /** Prices used when the transcript has no cost of its own. @default none: cost stays undefined */
  readonly pricing?: PricingTable
  /** The run was killed by a timeout: sets `timeoutAtTurn`. @default false */
  readonly timedOut?: boolean
}

/** Metrics of a transcript, updated one event at a time in constant memory. */
export interface MetricsTally {
  add(entry: TranscriptEntry): void
  /** JSON events seen (lines that were not `unparsed`). */
  readonly jsonEvents: number
  /** The last `result` event. */
  readonly result: ResultEvent | undefined
  /** Turns used so far (see {@link TranscriptMetrics.turns}). */
  readonly turns: number
  /** Cost so far in USD, or undefined when neither reported nor priceable. */
  costUsd(): number | undefined
  /** Everything `TranscriptMetrics` holds, for the events so far. */
  metrics(options?: { timedOut?: boolean }): TranscriptMetrics
}

/**
 * Derives the metrics of a transcript as its events arrive. Rules:
 * - turns: the result event's `num_turns` when present (Claude Code's own count); otherwise
 *   the number of model responses of the main agent, that is, assistant events whose
 *   `message.id` differs from the previous one's (Claude Code repeats the id on each content
 *   block of one response; events without an id count one each). Subagent events
 *   (`parent_tool_use_id` set) are not turns of the main agent.
 * - tokens: the result event's `usage` (the run's total) when present, else the sum over
 *   distinct assistant messages, the last event of an id winning. Never both.
 * - cost: the result event's `total_cost_usd` (or the older `cost_usd`), else each message
 *   priced with `pricing` at its own model (or the transcript's).
 * - model: from the `init` event, else the first assistant message.
 * - final message: the result event's `result` text, else the text blocks of the last
 *   main-agent message that has text.
 * - tool summary and last tool call: every `tool_use` block, subagents' included; a block
 *   repeated with the same id counts once.
 * - first response: the first event after start-up that is not a `system` event nor an
 *   unparsed line; the largest gap is between consecutive assistant events.
 */
export function createMetricsTally(options: Omit<DeriveMetricsOptions, 'timedOut'> = {}): MetricsTally {
  let result: ResultEvent | undefined
  let jsonEvents = 0
  let turns = 0
  let previousId: string | undefined
  let initSeen = false
  let cwd: string | undefined
  let initModel: string | undefined
  let firstModel: string | undefined
  const recent = new Map<string, { model?: string; usage: TokenUsage }>()
  const byModel = new Map<string | undefined, TokenUsage>()
  const tools: Record<string, number> = {}
  let toolNames = 0
  const toolIds = new Set<string>()
  let lastTool: ToolUseBlock | undefined
  let texts: string[] = []
  let textChars = 0
  let textId: string | undefined
  /** undefined: not yet; null: the first response had no time. */
  let firstResponseAt: number | null | undefined
  let previousAssistantAt: number | undefined
  let maxGap: number | undefined

  const shift = (model: string | undefined, usage: TokenUsage, sign: 1 | -1) => {
    const key = model !== undefined && (byModel.has(model) || byModel.size < MAX_MODELS) ? model : undefined
    const sum = byModel.get(key) ?? { input: 0, output: 0 }
    byModel.set(key, sum)
    shiftUsage(sum, usage, sign)
  }
  const addUsage = (id: string | undefined, model: string | undefined, usage: TokenUsage) => {
    if (id !== undefined) {
      const old = recent.get(id)
      if (old) {
        shift(old.model, old.usage, -1)
        recent.delete(id)
      } else if (recent.size >= RECENT_MESSAGES) {
        recent.delete(recent.keys().next().value!)
      }
      recent.set(id, { model, usage })
    }
    shift(model, usage, 1)
  }
  const addToolCall = (block: ToolUseBlock) => {
    if (block.id !== undefined) {
      if (toolIds.has(block.id)) return
      if (toolIds.size >= RECENT_TOOL_IDS) toolIds.delete(toolIds.values().next().value!)
      toolIds.add(block.id)
    }
    let name = block.name
    if (tools[name] === undefined) {
      if (toolNames < MAX_TOOL_NAMES) toolNames++
      else name = OTHER_TOOLS
    }
    tools[name] = (tools[name] ?? 0) + 1
    lastTool = block
  }
  const addText = (id: string | undefined, blocks: readonly string[]) => {
    if (id === undefined || id !== textId) {
      texts = []
      textChars = 0
    }
    textId = id
    for (const text of blocks) {
      if (textChars >= MAX_FINAL_MESSAGE) break
      const kept = text.slice(0, MAX_FINAL_MESSAGE - textChars)
      texts.push(kept)
      textChars += kept.length
    }
  }

  const tally: MetricsTally = {
    add({ event, at }) {
      if (isUnparsed(event)) return
      jsonEvents++
      if (event.type === 'result') result = event as ResultEvent
      if (isInitEvent(event)) {
        const init = event as StreamJsonEvent
        if (!initSeen) cwd = typeof init.cwd === 'string' ? init.cwd : undefined
        initSeen = true
        if (initModel === undefined && typeof init.model === 'string') initModel = init.model
      }
      if (firstResponseAt === undefined && event.type !== 'system') firstResponseAt = at ?? null
      if (event.type === 'assistant' && at !== undefined) {
        if (previousAssistantAt !== undefined) maxGap = Math.max(maxGap ?? 0, at - previousAssistantAt)
        previousAssistantAt = at
      }
      const message = assistantMessage(event)
      if (!message) return
      if (firstModel === undefined && message.model) firstModel = message.model
      if (message.usage) addUsage(message.id, message.model, toTokenUsage(message.usage))
      for (const block of toolUseBlocks(message.content)) addToolCall(block)
      if (isSubagentEvent(event)) return
      if (message.id === undefined || message.id !== previousId) turns++
      previousId = message.id
      const blocks = textBlocks(message.content)
      if (blocks.length > 0) addText(message.id, blocks)
    },
    get jsonEvents() {
      return jsonEvents
    },
    get result() {
      return result
    },
    get turns() {
      const reported = result?.num_turns
      return typeof reported === 'number' && reported >= 0 ? reported : turns
    },
    costUsd() {
      if (typeof result?.total_cost_usd === 'number') return result.total_cost_usd
      if (typeof result?.cost_usd === 'number') return result.cost_usd
      if (!options.pricing) return undefined
      const fallback = initModel ?? firstModel
      // A CLI that reports tokens only in its final result (Codex, Gemini CLI): priced at its model.
      if (byModel.size === 0 && result && isRecord(result.usage) && fallback !== undefined) {
        const cost = priceUsage(fallback, toTokenUsage(result.usage), options.pricing)
        return cost.priced ? cost.costUsd : undefined
      }
      let total = 0
      let priced = false
      for (const [model = fallback, usage] of byModel) {
        if (model === undefined) continue
        const cost = priceUsage(model, usage, options.pricing)
        total += cost.costUsd
        priced ||= cost.priced
      }
      return priced ? total : undefined
    },
    metrics(metricOptions = {}) {
      const metrics: TranscriptMetrics = { turns: tally.turns, toolSummary: { ...tools } }
      const optional: Omit<TranscriptMetrics, 'turns' | 'toolSummary'> = {
        lastToolCall: lastTool && formatToolCall(lastTool.name, lastTool.input, { cwd }),
        firstResponseMs:
          options.startedAt === undefined || firstResponseAt == null
            ? undefined
            : Math.max(0, firstResponseAt - options.startedAt),
        maxInterTurnMs: maxGap,
        timeoutAtTurn: metricOptions.timedOut ? timeoutAtTurn(metrics) : undefined,
        tokens: tokens(),
        costUsd: tally.costUsd(),
        model: initModel ?? firstModel,
        finalMessage:
          typeof result?.result === 'string' && result.result !== ''
            ? result.result
            : texts.length > 0
              ? texts.join('\n\n')
              : undefined,
      }
      for (const [key, value] of Object.entries(optional)) {
        if (value !== undefined) (metrics as unknown as Record<string, unknown>)[key] = value
      }
      return metrics
    },
  }
  const tokens = (): TokenUsage | undefined => {
    if (result && isRecord(result.usage)) return toTokenUsage(result.usage)
    if (byModel.size === 0) return undefined
    const sum: TokenUsage = { input: 0, output: 0 }
    for (const usage of byModel.values()) shiftUsage(sum, usage, 1)
    return sum
  }
  return tally
}

/** Everything `TranscriptMetrics` holds, derived from parsed entries. Pure. */
export function deriveMetrics(
  entries: readonly TranscriptEntry[],
  options: DeriveMetricsOptions = {},
): TranscriptMetrics {
  const tally = createMetricsTally(options)
  for (const entry of entries) tally.add(entry)
  return tally.metrics({ timedOut: options.timedOut })
}
