import { errorMessage } from '../core/errors.ts'
import type { PricingTable } from '../core/pricing.ts'
import type { TranscriptMetrics } from '../core/usage.ts'
import { isRecord, type StreamJsonEvent, type TranscriptEntry, type TranscriptEvent } from './events.ts'
import { createMetricsTally, type MetricsTally } from './metrics.ts'

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
  /**
   * Bytes of lines whose events are kept in `events` (later events still count in the
   * metrics), and the longest line parsed. @default unlimited
   */
  readonly maxBytes?: number
  /**
   * The CLI's own output format, turned into stream-json events line by line (Codex, Gemini
   * CLI, opencode). @default stream-json as it is
   */
  readonly dialect?: TranscriptDialect
}

/**
 * A transcript format other than Claude Code's stream-json: it turns each parsed line of the
 * CLI's output into the stream-json events evalbox's metrics read (`system` init,
 * `assistant` messages with `text` and `tool_use` blocks, `user` tool results, the final
 * `result`), so every agent is measured by the same code.
 */
export interface TranscriptDialect {
  /** Its name, as results show it (`'codex'`…). */
  readonly name: string
  /** Starts reading one transcript: dialects keep state (text streamed in pieces, open tools). */
  start(): DialectReader
}

/** The reading of one transcript by a {@link TranscriptDialect}. */
export interface DialectReader {
  /** The stream-json events of one line of the CLI's output (none is fine). */
  line(event: StreamJsonEvent): readonly StreamJsonEvent[]
  /** Events owed at the end of the output, e.g. a `result` for a CLI that prints no summary. */
  end?(): readonly StreamJsonEvent[]
}

/** An incremental NDJSON transcript parser. */
export interface TranscriptParser {
  /** Feeds output as it arrives; chunks may split lines and multi-byte characters anywhere. */
  push(chunk: string | Uint8Array): void
  /** Flushes the last line (one without a final newline, or cut by a kill). Safe to call twice. */
  end(): void
  /** Parsed events so far, in order (the first `maxBytes` of lines). */
  readonly events: readonly TranscriptEvent[]
  /** Parsed events with the time their line completed. */
  readonly entries: readonly TranscriptEntry[]
  readonly startedAt: number
  /** Metrics of every event so far, kept or not (budgets read it as events arrive). */
  readonly tally: MetricsTally
  /** Bytes of lines whose events are not kept whole in `events` (past `maxBytes`). */
  readonly droppedBytes: number
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

/** Bytes of an over-long line kept in its `unparsed` event. */
const LINE_HEAD = 200

/**
 * An incremental parser for stream-json NDJSON. Lines that are not JSON objects become
 * `{ type: 'unparsed', line, error }` events; nothing the agent prints can crash it. With
 * `maxBytes`, memory stays bounded however much arrives: events are kept only for the
 * first `maxBytes` bytes of lines (the metrics still count every event), and a line longer
 * than `maxBytes` is not held nor parsed but becomes an `unparsed` event with its first
 * bytes.
 */
export function createTranscriptParser(options: TranscriptParserOptions = {}): TranscriptParser {
  const now = options.now ?? Date.now
  const startedAt = options.startedAt ?? now()
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY
  const tally = createMetricsTally({ startedAt, pricing: options.pricing })
  const dialect = options.dialect?.start()
  const events: TranscriptEvent[] = []
  const entries: TranscriptEntry[] = []
  // Kept events wait as their lines' bytes, outside the JS heap, until they are read: a
  // large live heap lets a flood's garbage grow to several times its size before V8
  // collects it. Reading parses them again.
  let held: ({ bytes: Buffer; at: number } | TranscriptEntry)[] = []
  const materialize = (): void => {
    for (const item of held) {
      const entry =
        'bytes' in item ? { event: parseTranscriptLine(item.bytes.toString('utf8'))!, at: item.at } : item
      events.push(entry.event)
      entries.push(entry)
    }
    held = []
  }
  let keptBytes = 0
  let droppedBytes = 0
  let keeping = true
  // The line being read: its pieces, or only its head once it is longer than maxBytes.
  let pending: Buffer[] = []
  let pendingBytes = 0
  let head: Buffer | undefined
  let ended = false

  const record = (event: TranscriptEvent, size: number, lineBytes: number, bytes?: Buffer): void => {
    const entry: TranscriptEntry = { event, at: now() }
    keeping &&= keptBytes + size <= maxBytes
    if (keeping) {
      keptBytes += size
      held.push(bytes ? { bytes, at: entry.at! } : entry)
    }
    if (!keeping || size < lineBytes) droppedBytes += lineBytes
    tally.add(entry)
    options.onEvent?.(entry)
  }

  const endLine = (): void => {
    if (head) {
      const line = `${head.toString('utf8')}…`
      const error = `a line of ${pendingBytes} bytes is longer than maxOutputBytes (${maxBytes}); not parsed`
      record({ type: 'unparsed', line, error }, head.length, pendingBytes)
    } else if (pendingBytes > 0) {
      const bytes = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes)
      const event = parseTranscriptLine(bytes.toString('utf8'))
      if (event && dialect && event.type !== 'unparsed') translate(dialect.line(event as StreamJsonEvent))
      else if (event) record(event, pendingBytes, pendingBytes, bytes)
    }
    pending = []
    pendingBytes = 0
    head = undefined
  }

  // A dialect's events are held as objects: the bytes of the line are another format. The
  // line's bytes count once, with its first event.
  const translate = (translated: readonly StreamJsonEvent[]): void => {
    translated.forEach((event, index) => {
      const size = index === 0 ? pendingBytes : 0
      record(event, size, size)
    })
  }

  const append = (piece: Buffer): void => {
    if (piece.length === 0) return
    if (!head && pendingBytes + piece.length > maxBytes) {
      head = Buffer.concat([...pending, piece], Math.min(LINE_HEAD, pendingBytes + piece.length))
      pending = []
    }
    if (!head) pending.push(piece)
    pendingBytes += piece.length
  }

  return {
    push(chunk) {
      if (ended) return
      // Lines are split as bytes: a newline byte never occurs inside a multi-byte character.
      const bytes =
        typeof chunk === 'string'
          ? Buffer.from(chunk, 'utf8')
          : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
      let start = 0
      for (let newline = bytes.indexOf(10); newline !== -1; newline = bytes.indexOf(10, start)) {
        append(bytes.subarray(start, newline))
        endLine()
        start = newline + 1
      }
      append(bytes.subarray(start))
    },
    end() {
      if (ended) return
      ended = true
      endLine()
      const owed = dialect?.end?.()
      if (owed) translate(owed)
    },
    get events() {
      materialize()
      return events
    },
    get entries() {
      materialize()
      return entries
    },
    startedAt,
    tally,
    get droppedBytes() {
      return droppedBytes
    },
    metrics(metricOptions = {}) {
      return tally.metrics(metricOptions)
    },
  }
}
