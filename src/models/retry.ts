import { EvalboxError, errorMessage } from '../core/errors.ts'
import type { RetryOptions } from './types.ts'

/**
 * The delay a response asks for, in ms: `retry-after-ms` (OpenAI and Anthropic send it),
 * else `retry-after` as seconds or an HTTP date. Undefined when absent or unreadable.
 */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms')
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms))
  const value = headers.get('retry-after')?.trim()
  if (!value) return undefined
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/**
 * Backoff before retry number `retry` (1 = first retry): exponential from `baseDelayMs`,
 * capped at `maxDelayMs`, with "equal jitter" (half fixed, half random) so that parallel
 * clients that failed together do not retry together.
 */
export function backoffMs(
  retry: number,
  options: Pick<Required<RetryOptions>, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1))
  return exponential / 2 + random() * (exponential / 2)
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** What the last attempt got back. */
export interface HttpOutcome {
  readonly status: number
  readonly statusText: string
  readonly headers: Headers
  readonly bodyText: string
  readonly attempts: number
}

/** Options of `fetchWithRetry`. */
export interface FetchWithRetryOptions {
  readonly retry: Required<RetryOptions>
  readonly timeoutMs: number
  readonly signal?: AbortSignal
  /** URL as it may be shown (no credentials). */
  readonly displayUrl: string
}

function retryable(status: number): boolean {
  return status === 429 || status >= 500
}

/**
 * POSTs with retries on 429, 5xx and network errors (each attempt limited to `timeoutMs`),
 * honouring `retry-after`. Returns the last response, whatever its status; throws
 * `MODEL_API_ERROR` when the server could not be reached at all, and the signal's reason
 * when aborted.
 */
export async function fetchWithRetry(
  url: string,
  init: RequestInit,
  options: FetchWithRetryOptions,
): Promise<HttpOutcome> {
  const { retry, signal } = options
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw signal.reason
    const attemptSignal = signal
      ? AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)])
      : AbortSignal.timeout(options.timeoutMs)
    let delay: number
    try {
      const response = await fetch(url, { ...init, signal: attemptSignal })
      const bodyText = await response.text()
      const outcome = {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
        bodyText,
        attempts: attempt,
      }
      if (!retryable(response.status) || attempt >= retry.maxAttempts) return outcome
      const asked = retryAfterMs(response.headers)
      delay = asked !== undefined ? Math.min(asked, retry.maxRetryAfterMs) : backoffMs(attempt, retry)
    } catch (error) {
      if (signal?.aborted) throw signal.reason
      if (attempt >= retry.maxAttempts) {
        const cause =
          error instanceof Error && error.cause
            ? `${errorMessage(error)}: ${errorMessage(error.cause)}`
            : errorMessage(error)
        throw new EvalboxError(
          'MODEL_API_ERROR',
          `Could not reach the model API at ${options.displayUrl} after ${attempt} attempt(s) (${cause}). Check the base URL and the network, or raise retry.maxAttempts / timeoutMs.`,
          { cause: error },
        )
      }
      delay = backoffMs(attempt, retry)
    }
    await sleep(delay, signal)
  }
}
