import type { TokenUsage } from './usage.ts'

/** Prices of one model in USD per million tokens. */
export interface ModelPrice {
  readonly input: number
  readonly output: number
  /** Cache hits. @default the input price */
  readonly cacheRead?: number
  /** Cache writes (Anthropic's 5-minute writes). @default the input price */
  readonly cacheWrite?: number
}

/** Model id (without date suffix) → price. */
export type PricingTable = Readonly<Record<string, ModelPrice>>

const opus45: ModelPrice = { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 }
const opus4: ModelPrice = { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 }
const sonnet4: ModelPrice = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 }

/**
 * List prices as published by Anthropic, OpenAI and Google, checked 2026-11-21 (the GPT-6 rows and
 * the default judge models, `DEFAULT_JUDGE_MODELS`, 2026-12-02). Prices change:
 * this table is plain data, edit it or pass `pricing` to the model client (merged over this
 * table) rather than trusting it blindly. Not modelled: batch discounts, long-prompt tiers
 * (Haiku 5.5 above 100k prompt tokens costs 5×), 1-hour cache writes, fast modes.
 * OpenAI charged no cache writes before GPT-6, so those rows' `cacheWrite` is the input price;
 * GPT-6 rows carry the 30-minute write price. `gpt-5`, `gpt-5-mini`, `gpt-5-nano` and `o3`
 * shut down on 2026-12-11; their rows stay to price older results.
 */
export const DEFAULT_PRICING: PricingTable = {
  'claude-fable-5-1': { input: 10, output: 50, cacheRead: 0.25, cacheWrite: 12.5 },
  'claude-fable-5': { input: 10, output: 50, cacheRead: 1, cacheWrite: 12.5 },
  'claude-opus-5-5': { input: 4, output: 20, cacheRead: 0.2, cacheWrite: 5 },
  'claude-opus-5': opus45,
  'claude-opus-4-8': opus45,
  'claude-opus-4-7': opus45,
  'claude-opus-4-6': opus45,
  'claude-opus-4-5': opus45,
  'claude-opus-4-1': opus4,
  'claude-opus-4-0': opus4,
  'claude-opus-4': opus4,
  'claude-sonnet-5-5': { input: 2, output: 10, cacheRead: 0.1, cacheWrite: 2.5 },
  'claude-sonnet-5': { input: 2, output: 10, cacheRead: 0.2, cacheWrite: 2.5 },
  'claude-sonnet-4-6': sonnet4,
  'claude-sonnet-4-5': sonnet4,
  'claude-sonnet-4-0': sonnet4,
  'claude-sonnet-4': sonnet4,
  'claude-3-7-sonnet': sonnet4,
  'claude-haiku-5-5': { input: 0.1, output: 0.5, cacheRead: 0.01, cacheWrite: 0.125 },
  'claude-haiku-4-5': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
  'claude-3-5-haiku': { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
  'claude-3-haiku': { input: 0.25, output: 1.25, cacheRead: 0.03, cacheWrite: 0.3 },
  'gpt-6.1-terra': { input: 1, output: 5, cacheRead: 0.05, cacheWrite: 1.25 },
  'gpt-6-luna': { input: 0.1, output: 0.5, cacheRead: 0.01, cacheWrite: 0.125 },
  'gpt-5.5': { input: 5, output: 30, cacheRead: 0.5 },
  'gpt-5.4': { input: 2.5, output: 15, cacheRead: 0.25 },
  'gpt-5.4-mini': { input: 0.75, output: 4.5, cacheRead: 0.075 },
  'gpt-5.4-nano': { input: 0.2, output: 1.25, cacheRead: 0.02 },
  'gpt-5.1': { input: 1.25, output: 10, cacheRead: 0.125 },
  'gpt-5': { input: 1.25, output: 10, cacheRead: 0.125 },
  'gpt-5-mini': { input: 0.25, output: 2, cacheRead: 0.025 },
  'gpt-5-nano': { input: 0.05, output: 0.4, cacheRead: 0.005 },
  'gpt-4.1': { input: 2, output: 8, cacheRead: 0.5 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cacheRead: 0.1 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4, cacheRead: 0.025 },
  'gpt-4o': { input: 2.5, output: 10, cacheRead: 1.25 },
  'gpt-4o-mini': { input: 0.15, output: 0.6, cacheRead: 0.075 },
  o3: { input: 2, output: 8, cacheRead: 0.5 },
  'o4-mini': { input: 1.1, output: 4.4, cacheRead: 0.275 },
  // Google's Gemini 2.5 list prices for prompts up to 200k tokens, as published at launch and
  // not re-checked since (2.5 Pro costs 2× above 200k; not modelled).
  'gemini-2.5-pro': { input: 1.25, output: 10, cacheRead: 0.125 },
  'gemini-2.5-flash': { input: 0.3, output: 2.5, cacheRead: 0.03 },
  'gemini-2.5-flash-lite': { input: 0.1, output: 0.4, cacheRead: 0.01 },
}

// What may follow a table key in a real model id: a date snapshot (`-20251001`,
// `-2025-04-14`, Vertex `@20250929`), `-latest`, a Bedrock version (`-v1:0`), a context tag.
const SNAPSHOT_SUFFIX = /^(?:[-@]\d{8}|-\d{4}-\d{2}-\d{2}|-latest)?(?:-v\d+(?::\d+)?)?(?:\[1m\])?$/

/** Strips router and cloud prefixes: `openai/gpt-5`, `us.anthropic.claude-...`. */
function normaliseModelId(model: string): string {
  const lower = model.trim().toLowerCase()
  const afterSlash = lower.slice(lower.lastIndexOf('/') + 1)
  return afterSlash.replace(/^(?:[a-z]{2,4}\.)?anthropic\./, '')
}

/**
 * The price of a model id, matching a table key exactly or followed by a snapshot suffix
 * only (so `claude-opus-4` never prices `claude-opus-4-8`). Undefined when unknown.
 */
export function findModelPrice(model: string, table: PricingTable = DEFAULT_PRICING): ModelPrice | undefined {
  const id = normaliseModelId(model)
  const exact = table[id]
  if (exact) return exact
  let best: string | undefined
  for (const key of Object.keys(table)) {
    const lowerKey = key.toLowerCase()
    if (!id.startsWith(lowerKey) || !SNAPSHOT_SUFFIX.test(id.slice(lowerKey.length))) continue
    if (best === undefined || key.length > best.length) best = key
  }
  return best === undefined ? undefined : table[best]
}

/** A computed cost; `priced: false` when the model is not in the table (cost is then 0). */
export interface PricedCost {
  readonly costUsd: number
  readonly priced: boolean
}

/**
 * The cost of `usage` on `model`. `usage.input` is the uncached input (Anthropic's meaning);
 * cache reads and writes are priced separately.
 */
export function priceUsage(
  model: string,
  usage: TokenUsage,
  table: PricingTable = DEFAULT_PRICING,
): PricedCost {
  const price = findModelPrice(model, table)
  if (!price) return { costUsd: 0, priced: false }
  const micro =
    usage.input * price.input +
    usage.output * price.output +
    (usage.cacheRead ?? 0) * (price.cacheRead ?? price.input) +
    (usage.cacheWrite ?? 0) * (price.cacheWrite ?? price.input)
  return { costUsd: micro / 1_000_000, priced: true }
}
