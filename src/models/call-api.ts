import { performance } from 'node:perf_hooks'
import { EvalboxError, errorMessage } from '../core/errors.ts'
import { priceUsage } from '../core/pricing.ts'
import { redactSecrets } from '../core/secrets/redact.ts'
import { anthropicProtocol } from './anthropic.ts'
import type { ResolvedModelConfig } from './config.ts'
import { openaiProtocol } from './openai.ts'
import { joinUrl, type NormalisedRequest, type Protocol, safeUrl } from './protocol.ts'
import { fetchWithRetry, type HttpOutcome } from './retry.ts'
import type { CompleteResult } from './types.ts'

const PROTOCOLS: Record<ResolvedModelConfig['provider'], Protocol> = {
  anthropic: anthropicProtocol,
  openai: openaiProtocol,
}

function hint(status: number, config: ResolvedModelConfig, model: string, attempts: number): string {
  if (status === 401 || status === 403) return `Check the API key (from ${config.apiKeySource}).`
  if (status === 404) return `Check the model name (${JSON.stringify(model)}) and the base URL.`
  if (status === 429 || status >= 500)
    return `Gave up after ${attempts} attempt(s); try again later or raise retry.maxAttempts.`
  return `Check the request (model ${JSON.stringify(model)}).`
}

/** Sends one completion to the provider (with retries) and reads, prices and returns it. */
export type ApiCaller = (
  request: NormalisedRequest,
  signal: AbortSignal | undefined,
) => Promise<CompleteResult>

/**
 * The uncached path of the model client. Every error message passes through a scrubber:
 * providers sometimes echo (part of) a wrong key, and URLs may carry credentials.
 */
export function createApiCaller(config: ResolvedModelConfig): ApiCaller {
  const protocol = PROTOCOLS[config.provider]
  const keyName = /^[A-Z][A-Z0-9_]*$/.test(config.apiKeySource) ? config.apiKeySource : 'API_KEY'
  const secrets = config.apiKey ? [{ name: keyName, value: config.apiKey }] : []
  const clean = (text: string) => redactSecrets(text, secrets).replace(/\/\/[^/@\s]+@/g, '//')

  const failure = (outcome: HttpOutcome, url: string, model: string): EvalboxError => {
    let said: string | undefined
    try {
      said = protocol.errorMessage(JSON.parse(outcome.bodyText))
    } catch {
      said = outcome.bodyText.trim().slice(0, 300) || undefined
    }
    const status = `${outcome.status}${outcome.statusText ? ` ${outcome.statusText}` : ''}`
    return new EvalboxError(
      'MODEL_API_ERROR',
      clean(
        `${config.provider} API request POST ${url} failed with ${status}${said ? `: ${said}` : ''}. ${hint(outcome.status, config, model, outcome.attempts)}`,
      ),
    )
  }

  return async (request, signal) => {
    if (!config.apiKey) {
      const keyEnv = config.provider === 'anthropic' ? 'ANTHROPIC_API_KEY' : 'OPENAI_API_KEY'
      throw new EvalboxError(
        'INVALID_OPTIONS',
        `No API key for the ${config.provider} model API: set ${keyEnv} (or EVALBOX_MODEL_API_KEY), or pass \`apiKey\` to createModelClient().`,
      )
    }
    const url = joinUrl(config.baseUrl, protocol.path)
    const displayUrl = safeUrl(url)
    const started = performance.now()
    const init = {
      method: 'POST',
      headers: protocol.headers(config.apiKey),
      body: JSON.stringify(protocol.body(request, config.baseUrl)),
    }
    let outcome: HttpOutcome
    try {
      outcome = await fetchWithRetry(url, init, {
        retry: config.retry,
        timeoutMs: config.timeoutMs,
        signal,
        displayUrl,
      })
    } catch (error) {
      if (error instanceof EvalboxError)
        throw new EvalboxError(error.code, clean(error.message), { cause: error.cause })
      throw error
    }
    if (outcome.status < 200 || outcome.status > 299) throw failure(outcome, displayUrl, request.model)
    let json: unknown
    try {
      json = JSON.parse(outcome.bodyText)
    } catch (error) {
      throw new EvalboxError(
        'MODEL_API_ERROR',
        clean(
          `${config.provider} API at ${displayUrl} answered ${outcome.status} with a body that is not JSON (${errorMessage(error)}): ${outcome.bodyText.slice(0, 200)}`,
        ),
      )
    }
    const parsed = protocol.parse(json)
    const model = parsed.model ?? request.model
    // The answering model may be a snapshot the table lacks; the requested alias may be in it.
    let cost = priceUsage(model, parsed.usage, config.pricing)
    if (!cost.priced) cost = priceUsage(request.model, parsed.usage, config.pricing)
    return {
      text: parsed.text,
      model,
      usage: parsed.usage,
      costUsd: cost.costUsd,
      priced: cost.priced,
      cached: false,
      durationMs: Math.round(performance.now() - started),
      ...(parsed.stopReason !== undefined ? { stopReason: parsed.stopReason } : {}),
    }
  }
}
