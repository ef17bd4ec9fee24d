import * as z from 'zod'
import { invalidOptions } from '../core/errors.ts'
import { lazy } from '../core/lazy.ts'
import type { PricingTable } from '../core/pricing.ts'
import { parseOptions } from '../core/validate.ts'
import { qwenCodeDialect } from '../transcript/dialects/qwen-code.ts'
import type { AgentEnv } from './agent-env.ts'
import { cliAgent } from './cli-agent.ts'
import { cliSharedShape, type GatewayOption } from './cli-options.ts'
import type { AgentContext, AgentObject, AgentResult, ExitReason } from './types.ts'

/** Options of `agents.qwenCode`. */
export interface QwenCodeOptions extends GatewayOption {
  /** Model id (`--model`), as the OpenAI-compatible endpoint names it. @default Qwen Code's default */
  model?: string
  /**
   * Turn budget: `--max-session-turns` (Qwen Code stops itself there with exit code 53, read
   * as `error_max_turns`), watched by evalbox too. @default none
   */
  maxTurns?: number
  /** Cost budget in USD, watched by evalbox on the transcript (Qwen Code reports no cost). @default none */
  maxCostUsd?: number
  /**
   * The agent's own wall-clock limit in ms, under the case's timeout. Qwen Code retries a
   * failing API for about 80 s, then answers `[API Error: …]` (read as `agent_error`).
   * @default the case's timeout only
   */
  timeoutMs?: number
  /** More arguments, placed after evalbox's flags. @default [] */
  extraArgs?: readonly string[]
  /** The Qwen Code program inside the sandbox. @default ['qwen'] */
  command?: readonly string[]
  /**
   * Variables that enter the sandbox (names copied from the host, `NAME=value`, or a record).
   * With the run's model gateway (`ctx.models`), the model variables are the gateway's.
   * @default ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_MODEL'] without a gateway, else none
   */
  env?: AgentEnv
  /** More variable names whose values are redacted (see `agents.cli`). @default [] */
  secrets?: readonly string[]
  /** Name shown in results. @default 'qwen-code' */
  name?: string
  /** Prices for cost estimates (Qwen Code reports tokens only). @default DEFAULT_PRICING */
  pricing?: PricingTable
}

/** Variables Qwen Code reads for an OpenAI-compatible model, copied from the host without a gateway. */
export const QWEN_CODE_ENV = ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_MODEL'] as const

const qwenCodeSchema = lazy(() =>
  z.strictObject({
    ...cliSharedShape(),
    model: z.string().min(1).optional(),
    extraArgs: z.array(z.string()).optional(),
    command: z.array(z.string().min(1)).min(1).optional(),
  }),
)

function checkOptions(api: string, options: QwenCodeOptions): void {
  parseOptions(qwenCodeSchema(), options, { api, error: invalidOptions })
}

/**
 * The argv of a headless Qwen Code run: OpenAI auth (its endpoint and key come from the
 * environment, so no key is on the command line), stream-json out, every tool approved.
 * The prompt goes on stdin. Pure.
 */
export function qwenCodeCommand(options: QwenCodeOptions = {}): string[] {
  checkOptions('qwenCodeCommand()', options)
  const argv = [...(options.command ?? ['qwen']), '--auth-type', 'openai', '--output-format', 'stream-json']
  argv.push('--yolo')
  if (options.model !== undefined) argv.push('--model', options.model)
  if (options.maxTurns !== undefined) argv.push('--max-session-turns', '{maxTurns}')
  argv.push(...(options.extraArgs ?? []))
  return argv
}

/**
 * `~/.qwen/settings.json` of a run: usage statistics, telemetry and auto-update off, and the
 * OpenAI client's own retries cut to one (`model.generationConfig.maxRetries`), which Qwen
 * Code multiplies by its seven backoff attempts (1.5 s doubling to 30 s, not configurable):
 * a 500 still takes about 80 s before it gives up. One client retry is kept because a
 * connection error is retried by nothing else.
 */
export const QWEN_CODE_SETTINGS = {
  $version: 4,
  privacy: { usageStatisticsEnabled: false },
  telemetry: { enabled: false },
  general: { enableAutoUpdate: false },
  model: { generationConfig: { maxRetries: 1 } },
}

/**
 * The model endpoint of one run: the gateway's (Qwen Code's OpenAI client appends
 * `/chat/completions` to `OPENAI_BASE_URL`, so the base ends in `/v1`), else the host's.
 */
export function qwenCodeRunEnv(ctx: Pick<AgentContext, 'models'>, options: QwenCodeOptions = {}) {
  // No warm-up connection before the first request.
  const env: Record<string, string> = { QWEN_CODE_DISABLE_PRECONNECT: '1' }
  if (ctx.models) {
    env.OPENAI_BASE_URL = `${ctx.models.baseUrl.replace(/\/+$/, '')}/v1`
    env.OPENAI_API_KEY = ctx.models.apiKey
  } else if (options.env === undefined) {
    for (const name of QWEN_CODE_ENV) {
      const value = process.env[name]
      if (value !== undefined) env[name] = value
    }
  }
  return env
}

/** The answer Qwen Code gives when it gave up on the API: it still exits 0. */
const API_ERROR_ANSWER = /^\s*\[API Error:/

/** The exit code of Qwen Code stopped by `--max-session-turns` (Gemini CLI's turn-limit code). */
const TURN_LIMIT_EXIT = 'exit_code_53'

/**
 * What Qwen Code's exit means: 53 is its own turn limit (it prints no `result` then); an
 * API error it gave up on reads as success (exit 0, `[API Error: …]` as the answer), and is
 * the agent failing.
 */
export function qwenCodeExitReason(reason: ExitReason, result: AgentResult): ExitReason {
  if (reason === TURN_LIMIT_EXIT) return 'error_max_turns'
  if (reason !== 'success') return reason
  return API_ERROR_ANSWER.test(result.output) ? 'agent_error' : reason
}

/**
 * Qwen Code in headless mode: `qwen --auth-type openai --output-format stream-json --yolo`,
 * the prompt on stdin, its transcript read as stream-json with its tools under the common
 * names, a fresh HOME with quiet settings, and the model at the run's gateway.
 */
export function qwenCode(options: QwenCodeOptions = {}): AgentObject {
  checkOptions('agents.qwenCode()', options)
  return cliAgent(
    {
      command: qwenCodeCommand(options),
      name: options.name ?? 'qwen-code',
      promptVia: 'stdin',
      transcript: 'stream-json',
      env: options.env ?? [],
      secrets: options.secrets,
      maxTurns: options.maxTurns,
      maxCostUsd: options.maxCostUsd,
      timeoutMs: options.timeoutMs,
      pricing: options.pricing,
    },
    {
      dialect: qwenCodeDialect,
      usesModels: options.gateway !== false,
      setup: (ctx) => ({
        env: qwenCodeRunEnv(ctx, options),
        home: { '.qwen/settings.json': `${JSON.stringify(QWEN_CODE_SETTINGS, null, 2)}\n` },
      }),
      exitReason: qwenCodeExitReason,
    },
  )
}
