import type { TokenUsage } from '../core/usage.ts'
import { eventJson, type SseEvent } from './sse.ts'
import type { ProtocolName } from './types.ts'

/** Each recorded body (request, JSON answer, or a stream's events together) is cut here. */
export const RECORD_CAP = 1024 * 1024

/** One line of a case's `model-calls.ndjson`. */
export interface CallRecord {
  seq: number
  /** ISO time the request arrived. */
  at: string
  protocol?: ProtocolName
  method: string
  /** The path after the case prefix, query included (the client's `key=` dropped). */
  path: string
  model?: string
  stream?: boolean
  status: number
  durationMs: number
  request?: unknown
  /** The JSON answer, or for SSE the list of its events' data, parsed. */
  response?: unknown
  /** Null when the answer carried none. */
  usage?: TokenUsage | null
  costUsd?: number
  /** Set when the call was not forwarded: a refused path or a spent budget. */
  refused?: boolean
  /** Set when served from a cassette. */
  replayed?: boolean
  error?: string
}

/** The body as recorded: its JSON, or its first `RECORD_CAP` bytes as text with a note. */
export function recordedBody(raw: Buffer, parsed: unknown): unknown {
  if (raw.length <= RECORD_CAP) return parsed
  return {
    evalbox_truncated: `body of ${raw.length} bytes; only the first ${RECORD_CAP} are recorded`,
    text: raw.subarray(0, RECORD_CAP).toString('utf8'),
  }
}

/** Collects a stream's events for the record, up to `RECORD_CAP` bytes of data. */
export class EventLog {
  readonly events: unknown[] = []
  private bytes = 0
  private dropped = 0

  add(event: SseEvent): void {
    if (this.bytes + event.data.length > RECORD_CAP) {
      this.dropped++
      return
    }
    this.bytes += event.data.length
    this.events.push(eventJson(event))
  }

  recorded(): unknown[] {
    if (this.dropped === 0) return this.events
    return [
      ...this.events,
      { evalbox_truncated: `${this.dropped} more events not recorded (over ${RECORD_CAP} bytes of data)` },
    ]
  }
}
