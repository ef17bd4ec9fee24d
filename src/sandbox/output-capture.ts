import { describeValue, EvalboxError } from '../core/errors.ts'
import { DEFAULT_MAX_OUTPUT_BYTES } from './types.ts'

/** Keeps the first `limit` bytes of one output stream and notes whether more arrived. */
export interface OutputCapture {
  push(chunk: Buffer): void
  /** The kept bytes, decoded as UTF-8. */
  text(): string
  /** More than `limit` bytes arrived. */
  readonly truncated: boolean
}

/** The line a kept log ends with when its command's output was cut (`ExecResult.truncated`). */
export const TRUNCATED_NOTE =
  '[evalbox: output cut: each stream keeps its first maxOutputBytes (10 MiB by default)]'

/** Makes an {@link OutputCapture}; bytes past `limit` are counted, not kept. */
export function createOutputCapture(limit: number): OutputCapture {
  const chunks: Buffer[] = []
  let kept = 0
  let truncated = false
  return {
    push(chunk) {
      const room = limit - kept
      if (chunk.length <= room) {
        chunks.push(chunk)
        kept += chunk.length
        return
      }
      if (room > 0) chunks.push(chunk.subarray(0, room))
      kept = limit
      truncated = true
    },
    text: () => Buffer.concat(chunks, kept).toString('utf8'),
    get truncated() {
      return truncated
    },
  }
}

/** Validates the numeric exec options shared by every provider; returns the byte cap. */
export function checkExecOptions(
  cmd: readonly string[],
  options: { timeoutMs?: number; maxOutputBytes?: number },
): number {
  if (!Array.isArray(cmd) || cmd.length === 0 || cmd.some((part) => typeof part !== 'string')) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `Expected \`cmd\` to be a non-empty array of strings, got ${describeValue(cmd)}. ` +
        "Pass the program and its arguments, for example ['sh', '-c', 'npm test'].",
    )
  }
  const { timeoutMs, maxOutputBytes = DEFAULT_MAX_OUTPUT_BYTES } = options
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `Expected \`timeoutMs\` to be a positive number, got ${describeValue(timeoutMs)}`,
    )
  }
  if (!(Number.isInteger(maxOutputBytes) && maxOutputBytes >= 0)) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `Expected \`maxOutputBytes\` to be a non-negative integer, got ${describeValue(maxOutputBytes)}`,
    )
  }
  return maxOutputBytes
}

/** Calls a user's `onOutput` callback; a throwing callback must not break the command. */
export function safeCallback<A extends unknown[]>(fn: ((...args: A) => void) | undefined, ...args: A): void {
  if (!fn) return
  try {
    fn(...args)
  } catch {
    // The callback is for logs and live views; its failure is the caller's to notice.
  }
}
