/**
 * A setup file of the evals project, run in each Vitest worker before the eval files: what
 * eval code prints (`console.*`, and `process.stdout`/`stderr` writes) is redacted before
 * Vitest sees it, so no secret reaches Vitest's console, its reporters or the main process.
 * Vitest's own `onConsoleLog` hook could only drop a line, not change it, and only for the
 * default reporter; here each line is redacted once, at its source.
 */

import { createRedactor } from '../core/secrets/redact.ts'
import { getRunSettings } from '../eval/settings.ts'

const WRAPPED = Symbol.for('evalbox.redacted-write')

type Write = (chunk: unknown, ...rest: unknown[]) => boolean
type Writable = { write: Write; [WRAPPED]?: true }

function redact(chunk: unknown): unknown {
  const text =
    typeof chunk === 'string'
      ? chunk
      : chunk instanceof Uint8Array
        ? Buffer.from(chunk).toString('utf8')
        : undefined
  if (text === undefined) return chunk
  // The declared names are known once the run's settings are; read at each write (cheap).
  const redacted = createRedactor(getRunSettings()?.secrets).redact(text)
  return redacted === text ? chunk : redacted
}

/** Wraps `stream.write` so each chunk is redacted first (a console call is one chunk). */
function wrap(stream: Writable | undefined): void {
  if (!stream || typeof stream.write !== 'function' || stream[WRAPPED]) return
  const write = stream.write
  stream.write = function (this: unknown, chunk: unknown, ...rest: unknown[]) {
    return write.call(this, redact(chunk), ...rest)
  }
  stream[WRAPPED] = true
}

// Node's Console writes each call to its `_stdout`/`_stderr` (Vitest's capturing streams).
const streams = globalThis.console as unknown as { _stdout?: Writable; _stderr?: Writable }
wrap(streams._stdout)
wrap(streams._stderr)
wrap(process.stdout as unknown as Writable)
wrap(process.stderr as unknown as Writable)
