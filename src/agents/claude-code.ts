import * as z from 'zod'
import { invalidOptions } from '../core/errors.ts'
import { lazy } from '../core/lazy.ts'
import type { PricingTable } from '../core/pricing.ts'
import { parseOptions } from '../core/validate.ts'
import { findResultEvent, type TranscriptEvent } from '../transcript/index.ts'
import type { AgentEnv } from './agent-env.ts'
import { cliAgent } from './cli-agent.ts'
import { cliSharedShape, type GatewayOption } from './cli-options.ts'
import type { AgentContext, AgentObject, AgentResult, ExitReason } from './types.ts'

/** Claude Code's permission modes (`--permission-mode`). */
export type ClaudePermissionMode = 'default' | 'acceptEdits' | 'bypassPermissions' | 'dontAsk' | 'plan'

/** Options of `agents.claudeCode`. */
export interface ClaudeCodeOptions extends GatewayOption {
  /** Model alias or id (`--model`), e.g. `'sonnet'` or `'claude-sonnet-4-6'`. @default Claude Code's default */
  model?: string
  /**
   * Turn budget: `--max-turns`. Claude Code stops itself there; evalbox stops it too if it
   * starts another response past the budget. @default none
   */
  maxTurns?: number
  /** Cost budget in USD: `--max-budget-usd`, backed up by evalbox like `maxTurns`. @default none */
  maxCostUsd?: number
  /** Tools allowed without asking (`--allowedTools`), e.g. `['Read', 'Edit', 'Bash(npm test:*)']`. @default none */
  allowedTools?: readonly string[]
  /**
   * `--permission-mode`. The default lets the agent act without asking, which print mode
   * needs; `IS_SANDBOX=1` is set with it, because Claude Code refuses this mode as root
   * unless told it runs in a sandbox (evalbox's sandboxes are one).
   * @default 'bypassPermissions'
   */
  permissionMode?: ClaudePermissionMode
  /** More arguments, placed after evalbox's flags (e.g. `['--append-system-prompt', '...']`). @default [] */
  extraArgs?: readonly string[]
  /** The Claude Code program inside the sandbox. @default ['claude'] */
  command?: readonly string[]
  /** How the prompt is passed: on stdin, or as the last argument after `--`. @default 'stdin' */
  promptVia?: 'stdin' | 'arg'
  /**
   * Variables that enter the sandbox (names copied from the host, `NAME=value`, or a record).
   * With the run's model gateway (`ctx.models`), the model variables are the gateway's and
   * nothing of the host's is copied by default.
   * @default ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_MODEL'] without a gateway, else none
   */
  env?: AgentEnv
  /** More variable names whose values are redacted (see `agents.cli`). @default [] */
  secrets?: readonly string[]
  /**
   * The agent's own wall-clock limit in ms, under the case's timeout (Claude Code retries a
   * failing API about ten times, minutes in all). @default the case's timeout only
   */
  timeoutMs?: number
  /** Name shown in results. @default 'claude-code' */
  name?: string
  /** Prices for cost estimates while the run is going. @default DEFAULT_PRICING */
  pricing?: PricingTable
}

/** Variables Claude Code reads for model access, copied from the host by default. */
export const CLAUDE_CODE_ENV = ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_MODEL'] as const

const MODES = [
  'default',
  'acceptEdits',
  'bypassPermissions',
  'dontAsk',
  'plan',
] as const satisfies readonly ClaudePermissionMode[]

const claudeCodeSchema = lazy(() =>
  z.strictObject({
    ...cliSharedShape(),
    model: z.string().min(1).optional(),
    allowedTools: z.array(z.string().min(1)).optional(),
    permissionMode: z.enum(MODES).optional(),
    extraArgs: z.array(z.string()).optional(),
    command: z.array(z.string().min(1)).min(1).optional(),
    promptVia: z.enum(['stdin', 'arg']).optional(),
  }),
)

function checkOptions(api: string, options: ClaudeCodeOptions): void {
  parseOptions(claudeCodeSchema(), options, { api, error: invalidOptions })
}

/**
 * The argv template of a Claude Code print-mode run (`{maxTurns}` and `{prompt}` are
 * filled by `agents.cli`). Pure.
 */
export function claudeCodeCommand(options: ClaudeCodeOptions = {}): string[] {
  checkOptions('claudeCodeCommand()', options)
  const mode = options.permissionMode ?? 'bypassPermissions'
  const argv = [...(options.command ?? ['claude']), '-p', '--output-format', 'stream-json', '--verbose']
  if (options.maxTurns !== undefined) argv.push('--max-turns', '{maxTurns}')
  if (options.maxCostUsd !== undefined) argv.push('--max-budget-usd', String(options.maxCostUsd))
  if (options.model !== undefined) argv.push('--model', options.model)
  argv.push('--permission-mode', mode)
  // The option takes several values; every later argument starts with a dash (or is
  // preceded by `--`), so nothing else is read as a tool.
  if (options.allowedTools && options.allowedTools.length > 0)
    argv.push('--allowedTools', ...options.allowedTools)
  argv.push(...(options.extraArgs ?? []))
  if (options.promptVia === 'arg') argv.push('--', '{prompt}')
  return argv
}

function claudeCodeEnv(options: ClaudeCodeOptions): AgentEnv {
  // The host's model variables are added per run, only when there is no gateway.
  const env = options.env ?? []
  if ((options.permissionMode ?? 'bypassPermissions') !== 'bypassPermissions') return env
  // Set first, so an explicit IS_SANDBOX of the caller wins.
  if (Array.isArray(env)) return ['IS_SANDBOX=1', ...(env as readonly string[])]
  return { IS_SANDBOX: '1', ...(env as Readonly<Record<string, string>>) }
}

/**
 * Variables of every run: no update checks, no telemetry or other traffic besides the model
 * API (a sandbox has no network), scratch files in the fresh HOME (else Claude Code writes
 * `/tmp/claude-<uid>/`, outside what the run owns).
 */
const QUIET_ENV = {
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_AUTOUPDATER: '1',
  CLAUDE_CODE_TMPDIR: '{home}/.tmp',
  // Its Bash tool's scratch files follow the process's temp folder, not CLAUDE_CODE_TMPDIR.
  TMPDIR: '{home}/.tmp',
} as const

/**
 * The model endpoint of one run: the gateway's when the run has one (Claude Code appends
 * `/v1/messages` to `ANTHROPIC_BASE_URL`), else the host's variables, unless the caller
 * chose `env` itself.
 */
export function claudeCodeRunEnv(ctx: Pick<AgentContext, 'models'>, options: ClaudeCodeOptions = {}) {
  const env: Record<string, string> = { ...QUIET_ENV }
  if (ctx.models) {
    env.ANTHROPIC_BASE_URL = ctx.models.baseUrl
    env.ANTHROPIC_API_KEY = ctx.models.apiKey
  } else if (options.env === undefined) {
    for (const name of CLAUDE_CODE_ENV) {
      const value = process.env[name]
      if (value !== undefined) env[name] = value
    }
  }
  return env
}

/**
 * An API error Claude Code gave up on: it prints a `result` with `is_error` and the HTTP
 * status (`api_error_status`), the error text as the answer, and exits 1 (or 0). That is the
 * agent failing to work, not a program crash.
 */
function claudeCodeExitReason(reason: ExitReason, result: AgentResult): ExitReason {
  if (reason !== 'success' && !reason.startsWith('exit_code_')) return reason
  const event = findResultEvent((result.transcript ?? []) as TranscriptEvent[]) as
    | { is_error?: unknown; api_error_status?: unknown }
    | undefined
  if (event?.is_error === true && typeof event.api_error_status === 'number') return 'agent_error'
  return reason
}

/**
 * Claude Code in print mode with a stream-json transcript, run inside the sandbox:
 * `claude -p --output-format stream-json --verbose [--max-turns N] [--model M]
 * --permission-mode bypassPermissions [--allowedTools ...]`, the prompt on stdin.
 * The image must have the `claude` CLI installed; the API key comes from the host's
 * `ANTHROPIC_API_KEY` and is redacted from everything kept.
 */
export function claudeCode(options: ClaudeCodeOptions = {}): AgentObject {
  checkOptions('agents.claudeCode()', options)
  const promptVia = options.promptVia ?? 'stdin'
  return cliAgent(
    {
      command: claudeCodeCommand(options),
      name: options.name ?? 'claude-code',
      promptVia,
      transcript: 'stream-json',
      env: claudeCodeEnv(options),
      secrets: options.secrets,
      maxTurns: options.maxTurns,
      maxCostUsd: options.maxCostUsd,
      // Claude Code stops itself at these budgets and reports it; evalbox only backs it up.
      budgetEnforcement: 'backstop',
      timeoutMs: options.timeoutMs,
      pricing: options.pricing,
    },
    {
      // A fresh HOME: no onboarding state or settings of the image's user are read; Claude
      // Code writes its own `.claude.json` there on first run, print mode asks nothing.
      // The scratch folder must exist, or Claude Code falls back to /tmp/claude-<uid>.
      setup: (ctx) => ({ env: claudeCodeRunEnv(ctx, options), home: { '.tmp/.keep': '' } }),
      usesModels: options.gateway !== false,
      exitReason: claudeCodeExitReason,
    },
  )
}
