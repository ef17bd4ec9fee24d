import type { TestEntry } from '../store/schema.ts'

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

/**
 * Tool calls by name in a seed-format transcript (stream-json events): every `tool_use` item
 * in an `assistant` event's `message.content` counts once, e.g. `{ Bash: 8, Read: 3 }`.
 * Malformed events are ignored.
 */
export function extractToolSummary(transcript: readonly unknown[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const event of transcript) {
    if (!isRecord(event) || event.type !== 'assistant' || !isRecord(event.message)) continue
    const content = event.message.content
    if (!Array.isArray(content)) continue
    for (const item of content) {
      if (!isRecord(item) || item.type !== 'tool_use') continue
      const name = typeof item.name === 'string' && item.name !== '' ? item.name : 'unknown'
      counts[name] = (counts[name] ?? 0) + 1
    }
  }
  return counts
}

/** A test's tool calls by name: its `tool_summary` when present, else counted from `transcript`. */
export function toolSummaryOf(entry: TestEntry): Record<string, number> {
  if (entry.tool_summary) return { ...entry.tool_summary }
  if (entry.transcript) return extractToolSummary(entry.transcript)
  return {}
}

/** Total calls in a tool summary. */
export function countToolCalls(summary: Record<string, number>): number {
  let total = 0
  for (const n of Object.values(summary)) total += n
  return total
}
