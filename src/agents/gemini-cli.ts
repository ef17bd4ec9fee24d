import * as z from 'zod'
import { invalidOptions } from '../core/errors.ts'
import { lazy } from '../core/lazy.ts'
import type { PricingTable } from '../core/pricing.ts'
import { parseOptions } from '../core/validate.ts'
import { geminiDialect } from '../transcript/index.ts'
import type { AgentEnv } from './agent-env.ts'
import { cliAgent } from './cli-agent.ts'
import { cliSharedShape, type GatewayOption } from './cli-options.ts'
import type { AgentContext, AgentObject } from './types.ts'

/** Options of `agents.geminiCli`. */
export interface GeminiCliOptions extends GatewayOption {
  /** Model (`-m`). @default 'gemini-2.5-pro' (Gemini CLI 0.61.0's own default) */
  model?: string
  /** Turn budget, watched on the transcript. @default none */
  maxTurns?: number
  /** Cost budget in USD, watched on the transcript's priced usage. @default none */
  maxCostUsd?: number
  /** The agent's own wall-clock limit in ms, under the case's timeout. @default none */
  timeoutMs?: number
  /**
   * Attempts per model request (`general.maxAttempts`). Gemini CLI's own default (10, with
   * backoff) keeps a run on a failing API going for minutes. @default 2
   */
  maxAttempts?: number
  /** More arguments, placed after evalbox's flags. @default [] */
  extraArgs?: readonly string[]
  /** The Gemini CLI program inside the sandbox. @default ['gemini'] */
  command?: readonly string[]
  /**
   * Variables that enter the sandbox. Without the run's model gateway, Gemini CLI reaches
   * the model with the host's `GEMINI_API_KEY` (and `GOOGLE_GEMINI_BASE_URL`, when set).
   * @default ['GEMINI_API_KEY', 'GOOGLE_GEMINI_BASE_URL']
   */
  env?: AgentEnv
  /** More variable names whose values are redacted (see `agents.cli`). @default [] */
  secrets?: readonly string[]
  /** Name shown in results. @default 'gemini-cli' */
  name?: string
  /** Prices for cost estimates. @default DEFAULT_PRICING */
  pricing?: PricingTable
}

/** Variables Gemini CLI reads for model access without the gateway, copied from the host by default. */
export const GEMINI_CLI_ENV = ['GEMINI_API_KEY', 'GOOGLE_GEMINI_BASE_URL'] as const

/** Gemini CLI 0.61.0's default model. */
export const GEMINI_CLI_DEFAULT_MODEL = 'gemini-2.5-pro'

const DEFAULT_MAX_ATTEMPTS = 2

const geminiCliSchema = lazy(() =>
  z.strictObject({
    ...cliSharedShape(),
    model: z.string().min(1).optional(),
    maxAttempts: z.number().int().positive('must be a positive whole number of attempts').optional(),
    extraArgs: z.array(z.string()).optional(),
    command: z.array(z.string().min(1)).min(1).optional(),
  }),
)

function checkOptions(api: string, options: GeminiCliOptions): void {
  parseOptions(geminiCliSchema(), options, { api, error: invalidOptions })
}

/**
 * The argv of a Gemini CLI headless run: `gemini --output-format stream-json --yolo
 * --skip-trust -m <model> [extraArgs] --prompt={prompt}`. Pure.
 */
export function geminiCliCommand(options: GeminiCliOptions = {}): string[] {
  checkOptions('geminiCliCommand()', options)
  return [
    ...(options.command ?? ['gemini']),
    '--output-format',
    'stream-json',
    '--yolo',
    // Headless runs in an untrusted folder refuse yolo mode; the sandbox is the trust boundary.
    '--skip-trust',
    '-m',
    options.model ?? GEMINI_CLI_DEFAULT_MODEL,
    ...(options.extraArgs ?? []),
    // One argument, so a prompt that starts with a dash is still the prompt.
    '--prompt={prompt}',
  ]
}

/**
 * Gemini CLI's `~/.gemini/settings.json` for one run: API-key auth (without it headless mode
 * fails with "Invalid auth method selected", exit 41), bounded retries, and nothing that
 * phones home or waits for a person: no usage statistics, telemetry, update check or nag,
 * IDE integration.
 */
export function geminiCliSettings(maxAttempts = DEFAULT_MAX_ATTEMPTS): string {
  const settings = {
    security: { auth: { selectedType: 'gemini-api-key' } },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    general: { disableAutoUpdate: true, disableUpdateNag: true, maxAttempts },
    ide: { enabled: false },
  }
  return `${JSON.stringify(settings, null, 2)}\n`
}

function geminiSetup(options: GeminiCliOptions, ctx: AgentContext) {
  const home = { '.gemini/settings.json': geminiCliSettings(options.maxAttempts) }
  if (!ctx.models) return { home }
  // Laid over `env`: a host key copied in by the default allowlist never reaches the sandbox.
  return {
    home,
    env: {
      GOOGLE_GEMINI_BASE_URL: ctx.models.baseUrl.replace(/\/+$/, ''),
      GEMINI_API_KEY: ctx.models.apiKey,
    },
  }
}

/**
 * Google's Gemini CLI in headless mode (`gemini -p … --output-format stream-json --yolo`),
 * run inside the sandbox with a fresh `HOME` whose `~/.gemini/settings.json` selects API-key
 * auth, and `GOOGLE_GEMINI_BASE_URL` pointing at the run's model gateway (Gemini's
 * `/v1beta/models/…:streamGenerateContent`) with the stand-in key, or the host's
 * `GEMINI_API_KEY` without one. Its stream-json is read by the `gemini` transcript dialect:
 * `run_shell_command` is `Bash`, `write_file` `Write`, `replace` `Edit`…
 */
export function geminiCli(options: GeminiCliOptions = {}): AgentObject {
  checkOptions('agents.geminiCli()', options)
  return cliAgent(
    {
      command: geminiCliCommand(options),
      name: options.name ?? 'gemini-cli',
      promptVia: 'arg',
      transcript: 'stream-json',
      env: options.env ?? GEMINI_CLI_ENV,
      secrets: options.secrets,
      maxTurns: options.maxTurns,
      maxCostUsd: options.maxCostUsd,
      timeoutMs: options.timeoutMs,
      pricing: options.pricing,
    },
    {
      dialect: geminiDialect,
      usesModels: options.gateway !== false,
      setup: (ctx) => geminiSetup(options, ctx),
      exitReason: (reason, result) =>
        reason === 'success' && result.transcript?.some(isErrorResult) ? 'agent_error' : reason,
    },
  )
}

function isErrorResult(event: unknown): boolean {
  const record = event as { type?: unknown; is_error?: unknown }
  return record.type === 'result' && record.is_error === true
}
