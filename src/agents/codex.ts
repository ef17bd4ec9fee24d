import * as z from 'zod'
import { invalidOptions } from '../core/errors.ts'
import { lazy } from '../core/lazy.ts'
import type { PricingTable } from '../core/pricing.ts'
import { parseOptions } from '../core/validate.ts'
import { codexDialect } from '../transcript/index.ts'
import { type AgentEnv, resolveAgentEnv } from './agent-env.ts'
import { cliAgent } from './cli-agent.ts'
import { cliSharedShape, type GatewayOption } from './cli-options.ts'
import type { AgentContext, AgentObject } from './types.ts'

/** Options of `agents.codex`. */
export interface CodexOptions extends GatewayOption {
  /**
   * Model (`-m`). Codex offers its `apply_patch` file tool only for models it knows, so the
   * default is one of those (and priced in `DEFAULT_PRICING`). @default 'gpt-5.5'
   */
  model?: string
  /** Turn budget, watched on the transcript (Codex has no flag for it). @default none */
  maxTurns?: number
  /** Cost budget in USD, watched on the transcript's priced usage. @default none */
  maxCostUsd?: number
  /** The agent's own wall-clock limit in ms, under the case's timeout. @default none */
  timeoutMs?: number
  /** More arguments of `codex exec`, placed after evalbox's flags (e.g. `['-c', 'model_reasoning_effort="low"']`). @default [] */
  extraArgs?: readonly string[]
  /** The Codex program inside the sandbox. @default ['codex'] */
  command?: readonly string[]
  /**
   * Variables that enter the sandbox. Without the run's model gateway, Codex reaches the
   * model with the host's `OPENAI_API_KEY` (and `OPENAI_BASE_URL`, when set).
   * @default ['OPENAI_API_KEY', 'OPENAI_BASE_URL']
   */
  env?: AgentEnv
  /** More variable names whose values are redacted (see `agents.cli`). @default [] */
  secrets?: readonly string[]
  /** Name shown in results. @default 'codex' */
  name?: string
  /** Prices for cost estimates. @default DEFAULT_PRICING */
  pricing?: PricingTable
}

/** Variables Codex reads for model access without the gateway, copied from the host by default. */
export const CODEX_ENV = ['OPENAI_API_KEY', 'OPENAI_BASE_URL'] as const

/** The default model: one Codex 0.171.0 has metadata for (so it offers `apply_patch`). */
export const CODEX_DEFAULT_MODEL = 'gpt-5.5'

/** The variable the provider config names for the key (`env_key`). */
const KEY_VAR = 'OPENAI_API_KEY'

const codexSchema = lazy(() =>
  z.strictObject({
    ...cliSharedShape(),
    model: z.string().min(1).optional(),
    extraArgs: z.array(z.string()).optional(),
    command: z.array(z.string().min(1)).min(1).optional(),
  }),
)

function checkOptions(api: string, options: CodexOptions): void {
  parseOptions(codexSchema(), options, { api, error: invalidOptions })
}

/**
 * The argv of a Codex run: `codex exec --json --skip-git-repo-check
 * --dangerously-bypass-approvals-and-sandbox -m <model> [extraArgs] -- {prompt}`. The model
 * provider is in the run's fresh `~/.codex/config.toml` ({@link codexConfig}). Pure.
 */
export function codexCommand(options: CodexOptions = {}): string[] {
  checkOptions('codexCommand()', options)
  return [
    ...(options.command ?? ['codex']),
    'exec',
    '--json',
    // The workdir is rarely a repository, and the sandbox is the isolation.
    '--skip-git-repo-check',
    '--dangerously-bypass-approvals-and-sandbox',
    '-m',
    options.model ?? CODEX_DEFAULT_MODEL,
    ...(options.extraArgs ?? []),
    // After `--`, a prompt that starts with a dash is still the prompt.
    '--',
    '{prompt}',
  ]
}

/** Codex features turned off: they fetch plugins, apps or updates, or retry without end. */
const OFF_FEATURES = [
  'plugins',
  'remote_plugin',
  'plugin_sharing',
  'apps',
  'in_app_updates',
  'daemon_auto_start',
  'skill_mcp_dependency_install',
  'unbounded_connection_retries',
]

/** A TOML basic string (JSON's escapes are TOML's). */
const toml = (value: string): string => JSON.stringify(value)

/**
 * Codex's `config.toml` for one run: a Responses provider at `baseUrl` whose key is in the
 * variable `keyVar`, few retries (each failed request is otherwise retried with backoff),
 * and nothing that phones home: no analytics, feedback, OpenTelemetry export, update check,
 * history file, web search, plugin marketplace or apps.
 */
export function codexConfig(model: string, baseUrl: string, keyVar: string): string {
  return [
    `model = ${toml(model)}`,
    'model_provider = "evalbox"',
    'approval_policy = "never"',
    'sandbox_mode = "danger-full-access"',
    'check_for_update_on_startup = false',
    'web_search = "disabled"',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[feedback]',
    'enabled = false',
    '',
    '[otel]',
    'exporter = "none"',
    '',
    '[history]',
    'persistence = "none"',
    '',
    // Each of these may reach a host of its own (0.171.0 resolved github.com for its
    // plugin marketplace); none is needed for a run.
    '[features]',
    ...OFF_FEATURES.map((feature) => `${feature} = false`),
    '',
    '[model_providers.evalbox]',
    'name = "evalbox"',
    `base_url = ${toml(baseUrl)}`,
    'wire_api = "responses"',
    `env_key = ${toml(keyVar)}`,
    'request_max_retries = 1',
    'stream_max_retries = 1',
    '',
  ].join('\n')
}

/** The public API, when neither the gateway nor `OPENAI_BASE_URL` says otherwise. */
const OPENAI_BASE_URL = 'https://api.openai.com/v1'

function codexSetup(options: CodexOptions, ctx: AgentContext) {
  const model = options.model ?? CODEX_DEFAULT_MODEL
  if (ctx.models) {
    const baseUrl = `${ctx.models.baseUrl.replace(/\/+$/, '')}/v1`
    // Laid over `env`: a host key copied in by the default allowlist never reaches the sandbox.
    return {
      env: { [KEY_VAR]: ctx.models.apiKey, OPENAI_BASE_URL: baseUrl },
      home: { '.codex/config.toml': codexConfig(model, baseUrl, KEY_VAR) },
    }
  }
  const host = resolveAgentEnv(options.env ?? CODEX_ENV)
  return {
    home: { '.codex/config.toml': codexConfig(model, host.OPENAI_BASE_URL ?? OPENAI_BASE_URL, KEY_VAR) },
  }
}

/**
 * OpenAI's Codex CLI (`codex exec --json`), run inside the sandbox with a fresh `HOME` whose
 * `~/.codex/config.toml` points it at the run's model gateway (OpenAI Responses over SSE,
 * `<baseUrl>/v1/responses`) with the stand-in key, or at the host's OpenAI key without one.
 * The prompt is the last argument; stdin is left empty (Codex appends piped stdin to the
 * prompt: the local sandbox closes an empty pipe, Docker attaches none). Its JSON lines are
 * read by the `codex` transcript dialect: commands are `Bash`, file changes `Write`/`Edit`.
 */
export function codex(options: CodexOptions = {}): AgentObject {
  checkOptions('agents.codex()', options)
  return cliAgent(
    {
      command: codexCommand(options),
      name: options.name ?? 'codex',
      promptVia: 'arg',
      transcript: 'stream-json',
      env: options.env ?? CODEX_ENV,
      secrets: options.secrets,
      maxTurns: options.maxTurns,
      maxCostUsd: options.maxCostUsd,
      timeoutMs: options.timeoutMs,
      pricing: options.pricing,
    },
    {
      dialect: codexDialect({ model: options.model ?? CODEX_DEFAULT_MODEL }),
      usesModels: options.gateway !== false,
      setup: (ctx) => codexSetup(options, ctx),
      // A failed turn with exit code 0 is still the agent's failure.
      exitReason: (reason, result) =>
        reason === 'success' && result.transcript?.some(isErrorResult) ? 'agent_error' : reason,
    },
  )
}

function isErrorResult(event: unknown): boolean {
  const record = event as { type?: unknown; is_error?: unknown }
  return record.type === 'result' && record.is_error === true
}
