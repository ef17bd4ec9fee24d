import type { TranscriptMetrics } from '../agents/types.ts'
import { errorMessage } from '../errors.ts'
import type { PricingTable } from '../models/pricing.ts'
import { isRecord, type StreamJsonEvent, type TranscriptEntry, type TranscriptEvent } from './events.ts'
import { deriveMetrics } from './metrics.ts'

/** Options of `createTranscriptParser`. */
export interface TranscriptParserOptions {
  /** Clock in ms for stamping lines. @default Date.now */
  readonly now?: () => number
  /** When the agent process started, for `firstResponseMs`. @default now() at creation */
  readonly startedAt?: number
  /** Prices used when the transcript carries no cost. @default none */
  readonly pricing?: PricingTable
  /** Called for each event as its line completes. */
  readonly onEvent?: (entry: TranscriptEntry) => void
}

/** An incremental NDJSON transcript parser. */
export interface TranscriptParser {
  /** Feeds output as it arrives; chunks may split lines and multi-byte characters anywhere. */
  push(chunk: string | Uint8Array): void
  /** Flushes the last line (one without a final newline, or cut by a kill). Safe to call twice. */
  end(): void
  /** Parsed events so far, in order. */
  readonly events: readonly TranscriptEvent[]
  /** Parsed events with the time their line completed. */
  readonly entries: readonly TranscriptEntry[]
  readonly startedAt: number
  /** Metrics of what has been parsed so far; callable at any time (mid-stream too). */
  metrics(options?: { timedOut?: boolean }): TranscriptMetrics
}

/** Parses one line; never throws. Blank lines yield undefined. */
export function parseTranscriptLine(line: string): TranscriptEvent | undefined {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line
  if (text.trim() === '') return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return { type: 'unparsed', line: text, error: errorMessage(error) }
  }
  if (!isRecord(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`
    return { type: 'unparsed', line: text, error: `Expected a JSON object, got ${kind}` }
  }
  return value as StreamJsonEvent
}

/** Parses a whole NDJSON text at once (no timing). */
export function parseTranscript(text: string): TranscriptEvent[] {
  const events: TranscriptEvent[] = []
  for (const line of text.split('\n')) {
    const event = parseTranscriptLine(line)
    if (event) events.push(event)
  }
  return events
}

/**
 * An incremental parser for stream-json NDJSON. Lines that are not JSON objects become
 * `{ type: 'unparsed', line, error }` events; nothing the agent prints can crash it.
 */
export function createTranscriptParser(options: TranscriptParserOptions = {}): TranscriptParser {
  const now = options.now ?? Date.now
  const startedAt = options.startedAt ?? now()
  const events: TranscriptEvent[] = []
  const entries: TranscriptEntry[] = []
  const decoder = new TextDecoder('utf-8')
  let pending = ''
  let ended = false

  const handleLine = (line: string): void => {
    const event = parseTranscriptLine(line)
    if (!event) return
    const entry: TranscriptEntry = { event, at: now() }
    events.push(event)
    entries.push(entry)
    options.onEvent?.(entry)
  }

  const handleText = (text: string): void => {
    let newline = text.indexOf('\n')
    if (newline === -1) {
      pending += text
      return
    }
    handleLine(pending + text.slice(0, newline))
    let start = newline + 1
    newline = text.indexOf('\n', start)
    while (newline !== -1) {
      handleLine(text.slice(start, newline))
      start = newline + 1
      newline = text.indexOf('\n', start)
    }
    pending = text.slice(start)
  }

  return {
    push(chunk) {
      if (ended) return
      // Strings cannot carry half a character, so bytes still held by the decoder are flushed first.
      if (typeof chunk === 'string') handleText(decoder.decode() + chunk)
      else handleText(decoder.decode(chunk, { stream: true }))
    },
    end() {
      if (ended) return
      handleText(decoder.decode())
      ended = true
      const last = pending
      pending = ''
      handleLine(last)
    },
    events,
    entries,
    startedAt,
    metrics(metricOptions = {}) {
      return deriveMetrics(entries, {
        startedAt,
        pricing: options.pricing,
        timedOut: metricOptions.timedOut,
      })
    },
  }
}
