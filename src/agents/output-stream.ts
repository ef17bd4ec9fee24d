import type { PricingTable } from '../core/pricing.ts'
import {
  createTranscriptParser,
  type Redactor,
  type TranscriptDialect,
  type TranscriptEntry,
  type TranscriptParser,
} from '../transcript/index.ts'
import type { OutputTruncation } from './types.ts'

/** Passes on the first `maxBytes` bytes of a stream of output and counts the rest. */
export interface ByteBudget {
  /** The part of `chunk` that still fits, cut at a character boundary (empty once full). */
  take(chunk: string): string
  take(chunk: Uint8Array): Uint8Array
  take(chunk: string | Uint8Array): string | Uint8Array
  /** Bytes that did not fit. */
  readonly dropped: number
}

/** Makes a {@link ByteBudget}; it never holds what it is given. */
export function createByteBudget(maxBytes: number): ByteBudget {
  let room = maxBytes
  let dropped = 0
  const take = (chunk: string | Uint8Array): string | Uint8Array => {
    const size = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength
    if (size <= room) {
      room -= size
      return chunk
    }
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    let end = room
    // A continuation byte at the cut means a character would be split: cut before it.
    while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--
    room = 0
    dropped += size - end
    const kept = bytes.subarray(0, end)
    return typeof chunk === 'string' ? Buffer.from(kept).toString('utf8') : kept
  }
  return {
    take: take as ByteBudget['take'],
    get dropped() {
      return dropped
    },
  }
}

/** What was cut of a transcript: its kept text, and the parser's kept events. */
export function transcriptTruncation(
  text: ByteBudget,
  parser: TranscriptParser | undefined,
): OutputTruncation {
  const cut: OutputTruncation = {}
  if (text.dropped > 0) cut.transcript = text.dropped
  if (parser && parser.droppedBytes > 0) cut.events = parser.droppedBytes
  return cut
}

/** Options of {@link createOutputStream}. */
export interface OutputStreamOptions {
  /** Where redacted output goes as it arrives (the case's `agent.log`, which caps it). */
  readonly log: (chunk: string) => void
  readonly redactor: Redactor
  /** Parse stdout as a stream-json transcript. */
  readonly parse: boolean
  /** The CLI's transcript format, when it is not stream-json. */
  readonly dialect?: TranscriptDialect
  readonly pricing?: PricingTable
  /** Bytes of transcript kept, as text and as parsed events (`ctx.maxOutputBytes`). */
  readonly maxBytes: number
  /** Called for each transcript event as its line completes (budgets watch here). */
  readonly onEvent?: (entry: TranscriptEntry, parser: TranscriptParser) => void
}

/** The output side of an agent process. */
export interface OutputStream {
  /** Pass as `ExecOptions.onOutput`. */
  onOutput(chunk: Buffer, stream: 'stdout' | 'stderr'): void
  /** Flushes everything; returns the transcript to keep: redacted stdout up to `maxBytes` ('' without `parse`). */
  end(): Buffer
  readonly parser: TranscriptParser | undefined
  /** What was cut of the transcript, for `AgentResult.outputTruncated`. */
  truncation(): OutputTruncation
}

/**
 * Splits agent output three ways: raw stdout into the transcript parser (so lines are
 * timed when they arrive, and budgets act at once), redacted stdout and stderr into the
 * log, and redacted stdout into the transcript kept on disk. Each stream has its own
 * redactor, which holds back a short tail so a secret split across chunks is still caught.
 * However much arrives, what is held stays under `maxBytes` (the parser's events and the
 * kept text each); the rest is drained, parsed for the metrics, and counted.
 */
export function createOutputStream(options: OutputStreamOptions): OutputStream {
  const stdout = options.redactor.stream()
  const stderr = options.redactor.stream()
  // As bytes, outside the JS heap (see the parser on why a large live heap costs).
  const kept: Buffer[] = []
  const keptBudget = createByteBudget(options.maxBytes)
  let parser: TranscriptParser | undefined
  if (options.parse) {
    const onEvent = options.onEvent
    parser = createTranscriptParser({
      pricing: options.pricing,
      dialect: options.dialect,
      maxBytes: options.maxBytes,
      onEvent: onEvent && ((entry) => onEvent(entry, parser!)),
    })
  }
  const emit = (text: string, keep: boolean) => {
    if (text === '') return
    options.log(text)
    if (!keep) return
    const part = keptBudget.take(text)
    if (part !== '') kept.push(Buffer.from(part))
  }
  let ended = false
  return {
    onOutput(chunk, stream) {
      if (ended) return
      if (stream === 'stdout') {
        parser?.push(chunk)
        emit(stdout.push(chunk), options.parse)
      } else {
        emit(stderr.push(chunk), false)
      }
    },
    end() {
      if (!ended) {
        ended = true
        parser?.end()
        emit(stdout.end(), options.parse)
        emit(stderr.end(), false)
      }
      return Buffer.concat(kept)
    },
    parser,
    truncation: () => transcriptTruncation(keptBudget, parser),
  }
}
