import * as z from 'zod'
import { invalidOptions } from '../core/errors.ts'
import { lazy } from '../core/lazy.ts'
import type { PricingTable } from '../core/pricing.ts'
import { parseOptions } from '../core/validate.ts'
import { opencodeDialect } from '../transcript/dialects/opencode.ts'
import { findResultEvent, type TranscriptEvent } from '../transcript/index.ts'
import type { AgentEnv } from './agent-env.ts'
import { cliAgent } from './cli-agent.ts'
import { cliSharedShape, type GatewayOption } from './cli-options.ts'
import type { AgentContext, AgentObject, AgentResult, ExitReason } from './types.ts'

/** Options of `agents.opencode`. */
export interface OpencodeOptions extends GatewayOption {
  /**
   * The model. With the run's gateway: the model id the OpenAI-compatible endpoint serves
   * (selected as `evalbox/<model>`). Without: opencode's `provider/model` (`--model`).
   * @default 'gpt-4.1' with a gateway, else opencode's default
   */
  model?: string
  /** Turn budget (model calls), watched by evalbox on the transcript. @default none */
  maxTurns?: number
  /** Cost budget in USD, watched by evalbox on the transcript. @default none */
  maxCostUsd?: number
  /** The agent's own wall-clock limit in ms, under the case's timeout. @default the case's timeout only */
  timeoutMs?: number
  /** More arguments, placed after evalbox's flags. @default [] */
  extraArgs?: readonly string[]
  /** The opencode program inside the sandbox. @default ['opencode'] */
  command?: readonly string[]
  /**
   * Variables that enter the sandbox (names copied from the host, `NAME=value`, or a record).
   * @default ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'OPENROUTER_API_KEY'] without a gateway, else none
   */
  env?: AgentEnv
  /** More variable names whose values are redacted (see `agents.cli`). @default [] */
  secrets?: readonly string[]
  /** Name shown in results. @default 'opencode' */
  name?: string
  /** Prices for cost estimates (opencode prices only models it knows). @default DEFAULT_PRICING */
  pricing?: PricingTable
}

/** Provider keys copied from the host when the run has no gateway. */
export const OPENCODE_ENV = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'OPENROUTER_API_KEY'] as const

/** The provider id evalbox configures for the gateway. */
export const OPENCODE_PROVIDER = 'evalbox'

/** The gateway's model when none is chosen. */
export const OPENCODE_DEFAULT_MODEL = 'gpt-4.1'

const opencodeSchema = lazy(() =>
  z.strictObject({
    ...cliSharedShape(),
    model: z.string().min(1).optional(),
    extraArgs: z.array(z.string()).optional(),
    command: z.array(z.string().min(1)).min(1).optional(),
  }),
)

function checkOptions(api: string, options: OpencodeOptions): void {
  parseOptions(opencodeSchema(), options, { api, error: invalidOptions })
}

/**
 * The argv of `opencode run`: JSON events out, permission requests approved (`--auto`), the
 * prompt as the last argument after `--`. The model is chosen in the config (with a gateway)
 * or by `--model`. Pure.
 */
export function opencodeCommand(options: OpencodeOptions = {}, gateway = false): string[] {
  checkOptions('opencodeCommand()', options)
  const argv = [...(options.command ?? ['opencode']), 'run', '--format', 'json', '--auto']
  if (!gateway && options.model !== undefined) argv.push('--model', options.model)
  argv.push(...(options.extraArgs ?? []), '--', '{prompt}')
  return argv
}

/**
 * The config of one run (`OPENCODE_CONFIG_CONTENT`): no auto-update, no sharing, and with a
 * gateway an OpenAI-compatible provider at `<baseUrl>/v1` with the stand-in key, its model
 * selected.
 */
export function opencodeConfig(ctx: Pick<AgentContext, 'models'>, options: OpencodeOptions = {}) {
  const config: Record<string, unknown> = { autoupdate: false, share: 'disabled' }
  if (!ctx.models) return config
  const model = options.model ?? OPENCODE_DEFAULT_MODEL
  config.model = `${OPENCODE_PROVIDER}/${model}`
  config.provider = {
    [OPENCODE_PROVIDER]: {
      npm: '@ai-sdk/openai-compatible',
      name: 'evalbox gateway',
      options: { baseURL: `${ctx.models.baseUrl.replace(/\/+$/, '')}/v1`, apiKey: ctx.models.apiKey },
      models: { [model]: { name: model } },
    },
  }
  return config
}

/**
 * Variables of every run. opencode installs a plugin with npm in the background at start;
 * the registry points at the discard port of the loopback, refused at once, so nothing
 * leaves the sandbox (`--pure` does not stop it). No model catalogue fetch, no language
 * server downloads, no update check.
 */
const QUIET_ENV = {
  npm_config_registry: 'http://127.0.0.1:9/',
  OPENCODE_DISABLE_AUTOUPDATE: '1',
  OPENCODE_DISABLE_MODELS_FETCH: '1',
  OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
  OPENCODE_DISABLE_SHARE: '1',
} as const

/** The variables of one run: quiet, the config, and the host's provider keys when there is no gateway. */
export function opencodeRunEnv(ctx: Pick<AgentContext, 'models'>, options: OpencodeOptions = {}) {
  const env: Record<string, string> = {
    ...QUIET_ENV,
    OPENCODE_CONFIG_CONTENT: JSON.stringify(opencodeConfig(ctx, options)),
  }
  if (!ctx.models && options.env === undefined)
    for (const name of OPENCODE_ENV) {
      const value = process.env[name]
      if (value !== undefined) env[name] = value
    }
  return env
}

/**
 * opencode's headless mode: `opencode run --format json --auto -- <prompt>`, its JSON events
 * read by the opencode dialect (tools under the common names, a result summed from its
 * steps), a fresh HOME (its XDG config, data and cache folders go there), and the model at
 * the run's gateway through a custom OpenAI-compatible provider.
 */
export function opencode(options: OpencodeOptions = {}): AgentObject {
  checkOptions('agents.opencode()', options)
  const viaGateway = cliAgent(...agentParts(options, true))
  const direct = cliAgent(...agentParts(options, false))
  // The argv differs by whether the run has a gateway, known only per run.
  return {
    agentName: direct.agentName,
    ...(options.gateway !== false && { usesModels: true }),
    run: (ctx) => (ctx.models ? viaGateway : direct).run(ctx),
  }
}

/**
 * opencode ends a run its model API failed (after five retries, about a minute on a 500)
 * with an `error` event and exit code 1: the agent failing to work, not a crash.
 */
export function opencodeExitReason(reason: ExitReason, result: AgentResult): ExitReason {
  if (reason !== 'success' && !reason.startsWith('exit_code_')) return reason
  const event = findResultEvent((result.transcript ?? []) as TranscriptEvent[])
  return event?.is_error === true && event.subtype === 'error_during_execution' ? 'agent_error' : reason
}

function agentParts(options: OpencodeOptions, gateway: boolean): Parameters<typeof cliAgent> {
  const model = gateway ? `${OPENCODE_PROVIDER}/${options.model ?? OPENCODE_DEFAULT_MODEL}` : options.model
  return [
    {
      command: opencodeCommand(options, gateway),
      name: options.name ?? 'opencode',
      promptVia: 'arg',
      transcript: 'stream-json',
      env: options.env ?? [],
      secrets: options.secrets,
      maxTurns: options.maxTurns,
      maxCostUsd: options.maxCostUsd,
      timeoutMs: options.timeoutMs,
      pricing: options.pricing,
    },
    {
      dialect: opencodeDialect(model === undefined ? {} : { model }),
      setup: (ctx) => ({ env: opencodeRunEnv(ctx, options), home: {} }),
      exitReason: opencodeExitReason,
    },
  ]
}
