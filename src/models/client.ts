import { performance } from 'node:perf_hooks'
import { describeValue, EvalboxError, errorMessage } from '../core/errors.ts'
import { type CanonicalRequest, cacheKey, readCacheEntry, writeCacheEntry } from './cache.ts'
import { createApiCaller } from './call-api.ts'
import { resolveModelConfig } from './config.ts'
import { type NormalisedRequest, safeUrl } from './protocol.ts'
import type { CompleteRequest, CompleteResult, ModelClient, ModelClientOptions, ModelSpend } from './types.ts'

function validate(request: CompleteRequest): void {
  const messages: unknown = request?.messages
  const ok =
    Array.isArray(messages) &&
    messages.length > 0 &&
    messages.every(
      (m) =>
        typeof m === 'object' &&
        m !== null &&
        (m.role === 'user' || m.role === 'assistant') &&
        typeof m.content === 'string',
    )
  if (!ok)
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `Expected \`messages\` to be a non-empty list of { role: 'user' | 'assistant', content: string }, got ${describeValue(messages)}`,
    )
}

/**
 * A model client for judges and examples, over global `fetch`: Anthropic Messages or
 * OpenAI-compatible chat completions, with retries, a pricing table, an on-disk cache (on
 * by default) and spend totals. Configured by options > environment > defaults.
 */
export function createModelClient(options: ModelClientOptions = {}): ModelClient {
  const config = resolveModelConfig(options)
  const callApi = createApiCaller(config)
  const inflight = new Map<string, Promise<CompleteResult>>()
  let spend: ModelSpend = {
    calls: 0,
    cachedCalls: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    usd: 0,
  }

  const record = (result: CompleteResult): CompleteResult => {
    spend = { ...spend, calls: spend.calls + 1 }
    if (result.cached) spend = { ...spend, cachedCalls: spend.cachedCalls + 1 }
    else
      spend = {
        ...spend,
        inputTokens: spend.inputTokens + result.usage.input,
        outputTokens: spend.outputTokens + result.usage.output,
        cacheReadTokens: spend.cacheReadTokens + (result.usage.cacheRead ?? 0),
        cacheWriteTokens: spend.cacheWriteTokens + (result.usage.cacheWrite ?? 0),
        usd: spend.usd + result.costUsd,
      }
    return result
  }

  const asCached = (result: CompleteResult, durationMs: number): CompleteResult => ({
    ...result,
    cached: true,
    costUsd: 0,
    originalCostUsd: result.originalCostUsd ?? result.costUsd,
    durationMs,
  })

  const complete = async (request: CompleteRequest): Promise<CompleteResult> => {
    validate(request)
    if (request.signal?.aborted) throw request.signal.reason
    const normalised: NormalisedRequest = {
      model: request.model ?? config.model,
      system: request.system,
      messages: request.messages.map(({ role, content }) => ({ role, content })),
      maxTokens: request.maxTokens ?? config.maxTokens,
      temperature: request.temperature,
    }
    const useCache = config.cache && request.cache !== false
    if (!useCache) return record(await callApi(normalised, request.signal))

    const started = performance.now()
    const canonical: CanonicalRequest = {
      provider: config.provider,
      baseUrl: safeUrl(config.baseUrl),
      ...normalised,
    }
    const key = cacheKey(canonical)
    const hit = await readCacheEntry(config.cacheDir, key)
    if (hit) {
      const original = { ...hit.response, cached: false, durationMs: 0 }
      return record(asCached(original, Math.round(performance.now() - started)))
    }
    const pending = inflight.get(key)
    if (pending) {
      try {
        return record(asCached(await pending, Math.round(performance.now() - started)))
      } catch (error) {
        // Another caller's abort must not fail this call; any other error is shared.
        const name = (error as { name?: unknown })?.name
        if ((name !== 'AbortError' && name !== 'TimeoutError') || request.signal?.aborted) throw error
      }
    }
    const call = callApi(normalised, request.signal)
    inflight.set(key, call)
    try {
      const result = await call
      await writeCacheEntry(config.cacheDir, {
        version: 1,
        key,
        createdAt: new Date().toISOString(),
        request: canonical,
        response: {
          text: result.text,
          model: result.model,
          usage: result.usage,
          costUsd: result.costUsd,
          priced: result.priced,
          ...(result.stopReason !== undefined ? { stopReason: result.stopReason } : {}),
        },
      }).catch((error: unknown) => {
        process.emitWarning(
          `evalbox could not write the model cache in ${config.cacheDir}: ${errorMessage(error)}`,
        )
      })
      return record(result)
    } finally {
      if (inflight.get(key) === call) inflight.delete(key)
    }
  }

  return {
    provider: config.provider,
    model: config.model,
    baseUrl: safeUrl(config.baseUrl),
    complete,
    get spend() {
      return spend
    },
  }
}
