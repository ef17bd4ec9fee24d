import type { PricingTable } from '../models/pricing.ts'
import {
  createTranscriptParser,
  type Redactor,
  type TranscriptEntry,
  type TranscriptParser,
} from '../transcript/index.ts'

/** Options of {@link createOutputStream}. */
export interface OutputStreamOptions {
  /** Where redacted output goes as it arrives (the case's `agent.log`). */
  readonly log: (chunk: string) => void
  readonly redactor: Redactor
  /** Parse stdout as a stream-json transcript. */
  readonly parse: boolean
  readonly pricing?: PricingTable
  /** Called for each transcript event as its line completes (budgets watch here). */
  readonly onEvent?: (entry: TranscriptEntry, parser: TranscriptParser) => void
}

/** The output side of an agent process. */
export interface OutputStream {
  /** Pass as `ExecOptions.onOutput`. */
  onOutput(chunk: Buffer, stream: 'stdout' | 'stderr'): void
  /** Flushes everything; returns the redacted stdout (the transcript to keep). */
  end(): string
  readonly parser: TranscriptParser | undefined
}

/**
 * Splits agent output three ways: raw stdout into the transcript parser (so lines are
 * timed when they arrive, and budgets act at once), redacted stdout and stderr into the
 * log, and redacted stdout into the transcript kept on disk. Each stream has its own
 * redactor, which holds back a short tail so a secret split across chunks is still caught.
 */
export function createOutputStream(options: OutputStreamOptions): OutputStream {
  const stdout = options.redactor.stream()
  const stderr = options.redactor.stream()
  const kept: string[] = []
  let parser: TranscriptParser | undefined
  if (options.parse) {
    const onEvent = options.onEvent
    parser = createTranscriptParser({
      pricing: options.pricing,
      onEvent: onEvent && ((entry) => onEvent(entry, parser!)),
    })
  }
  const emit = (text: string, keep: boolean) => {
    if (text === '') return
    options.log(text)
    if (keep) kept.push(text)
  }
  let ended = false
  return {
    onOutput(chunk, stream) {
      if (ended) return
      if (stream === 'stdout') {
        parser?.push(chunk)
        emit(stdout.push(chunk), true)
      } else {
        emit(stderr.push(chunk), false)
      }
    },
    end() {
      if (!ended) {
        ended = true
        parser?.end()
        emit(stdout.end(), true)
        emit(stderr.end(), false)
      }
      return kept.join('')
    },
    parser,
  }
}
