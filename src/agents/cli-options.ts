import * as z from 'zod'
import { describeValue, EvalboxError, invalidOptions } from '../core/errors.ts'
import { lazy } from '../core/lazy.ts'
import { DEFAULT_PRICING, type PricingTable } from '../core/pricing.ts'
import { parseOptions } from '../core/validate.ts'
import { type AgentEnv, agentEnvSchema, envNameSchema } from './agent-env.ts'
import type { BudgetEnforcement } from './budget.ts'
import { commandUses } from './command-template.ts'

/** Options of `agents.cli`. */
export interface CliAgentOptions {
  /**
   * The command as an argv array, run inside the sandbox in the workdir. Items may contain
   * `{prompt}`, `{promptFile}`, `{maxTurns}` and `{workdir}`.
   */
  command: readonly string[]
  /** Name shown in results and logs. @default 'cli:' + the program's base name */
  name?: string
  /**
   * How the prompt reaches the agent: `'arg'` substitutes `{prompt}` (appended as the last
   * argument when the command has none); `'stdin'` pipes it; `'file'` writes it to a file
   * in the sandbox outside the workdir and substitutes `{promptFile}` (appended when
   * absent).
   * @default 'file' if the command has {promptFile}, 'arg' if it has {prompt}, else 'stdin'
   */
  promptVia?: 'arg' | 'stdin' | 'file'
  /** `'stream-json'`: stdout is Claude Code-style NDJSON, parsed for metrics and budgets. @default 'none' */
  transcript?: 'stream-json' | 'none'
  /**
   * The only variables that enter the sandbox besides its own basics: a record of values,
   * or a list of names copied from the host environment and `NAME=value` items
   * (`['ANTHROPIC_API_KEY', 'LOG_LEVEL=debug']`). Host names are read when the agent runs.
   * @default none
   */
  env?: AgentEnv
  /**
   * More variable names of `env` whose values are secrets. Values of variables whose names
   * look secret (`*KEY*`, `*TOKEN*`, `*SECRET*`, `*PASSWORD*`… see docs/agents.md, "Secrets")
   * are secrets already, and so is every variable of the project's `secrets` option. Secrets are
   * redacted from everything kept: prompt, transcript, log, output and the result.
   * @default []
   */
  secrets?: readonly string[]
  /**
   * Turn budget: substituted for `{maxTurns}`, and with a transcript the agent is stopped
   * past it (`error_max_turns`). Needs the transcript or `{maxTurns}` in the command.
   * @default none
   */
  maxTurns?: number
  /** Cost budget in USD: the agent is stopped once the transcript's cost passes it. @default none */
  maxCostUsd?: number
  /**
   * `'strict'` stops the agent as soon as a budget is exceeded; `'backstop'` is for agents
   * that enforce the budgets themselves and should get to report it: evalbox stops them
   * only when they start another response after a budget ran out.
   * @default 'strict'
   */
  budgetEnforcement?: BudgetEnforcement
  /** Working directory of the command, relative to the workdir. @default the workdir */
  cwd?: string
  /**
   * The agent's own wall-clock limit in ms, under the case's `timeout`: CLIs that retry a
   * failing model API for minutes are stopped here (`timeout`). @default the case's timeout only
   */
  timeoutMs?: number
  /** Prices used to estimate the cost of a transcript that reports none (mid-run too). @default DEFAULT_PRICING */
  pricing?: PricingTable
  /**
   * `true`: the program calls a model through the run's model gateway. It gets
   * `EVALBOX_GATEWAY_URL` (add the protocol's path, e.g. `/v1/messages`) and
   * `EVALBOX_GATEWAY_KEY` (a stand-in: the gateway adds the real key on the host).
   * @default false
   */
  gateway?: boolean
}

/** The option every adapter of a CLI that calls a model API has (`agents.claudeCode`, `agents.codex`…). */
export interface GatewayOption {
  /**
   * Reach the model through the run's model gateway (the real key stays on the host, every
   * call is recorded and counted, budgets hold, the sandbox keeps `network: 'none'`). `false`:
   * the agent uses its own network and key, copied from the host by `env` — give the sandbox
   * `network: 'bridge'`; evalbox then sees only what the agent's transcript reports.
   * @default true (when the run has a gateway)
   */
  gateway?: boolean
}

/** Options with defaults applied. */
export interface ResolvedCliOptions
  extends Omit<
    Required<CliAgentOptions>,
    'env' | 'maxTurns' | 'maxCostUsd' | 'cwd' | 'timeoutMs' | 'gateway'
  > {
  gateway: boolean
  timeoutMs: number | undefined
  env: AgentEnv | undefined
  maxTurns: number | undefined
  maxCostUsd: number | undefined
  cwd: string | undefined
}

/** A price table (`models/pricing.ts`): USD per million tokens by model. */
export const pricingSchema = lazy(() =>
  z.record(
    z.string(),
    z.strictObject({
      input: z.number().nonnegative(),
      output: z.number().nonnegative(),
      cacheRead: z.number().nonnegative().optional(),
      cacheWrite: z.number().nonnegative().optional(),
    }),
  ),
)

/** Options every agent that runs a CLI takes, with their checks. */
export const cliSharedShape = lazy(() => ({
  name: z
    .string()
    .refine((name) => name.trim() !== '', 'must not be blank')
    .optional(),
  env: agentEnvSchema().optional(),
  secrets: z.array(envNameSchema()).optional(),
  maxTurns: z.number().int().positive().optional(),
  maxCostUsd: z.number().positive('must be a positive number of USD').finite().optional(),
  timeoutMs: z.number().int().positive('must be a positive number of milliseconds').optional(),
  pricing: pricingSchema().optional(),
  gateway: z.boolean().optional(),
}))

const cliOptionsSchema = lazy(() =>
  z.strictObject({
    ...cliSharedShape(),
    command: z
      .array(z.string(), "must be an argv array, such as ['my-agent', '{prompt}']")
      .min(1, "must not be empty: give the program and its arguments, such as ['my-agent', '{prompt}']")
      .refine((argv) => argv[0] !== '', 'must start with the program to run'),
    promptVia: z.enum(['arg', 'stdin', 'file']).optional(),
    transcript: z.enum(['stream-json', 'none']).optional(),
    budgetEnforcement: z.enum(['strict', 'backstop']).optional(),
    cwd: z.string().min(1).optional(),
  }),
)

/** Validates `agents.cli` options at definition time and applies defaults. */
export function resolveCliOptions(options: CliAgentOptions): ResolvedCliOptions {
  parseOptions(cliOptionsSchema(), options, { api: 'agents.cli()', error: invalidOptions })
  const { command, maxTurns, maxCostUsd } = options
  const promptVia =
    options.promptVia ??
    (commandUses(command, 'promptFile') ? 'file' : commandUses(command, 'prompt') ? 'arg' : 'stdin')
  const transcript = options.transcript ?? 'none'
  if (maxCostUsd !== undefined && transcript !== 'stream-json') {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `agents.cli(): \`maxCostUsd\` (${maxCostUsd}) needs a transcript to watch; set transcript: 'stream-json'.`,
    )
  }
  // A budget nobody watches is no limit: evalbox needs the transcript, or the agent the number.
  if (maxTurns !== undefined && transcript !== 'stream-json' && !commandUses(command, 'maxTurns')) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `agents.cli(): \`maxTurns\` (${maxTurns}) is neither watched nor passed on: set transcript: 'stream-json' so evalbox can count turns, or put {maxTurns} in the command for an agent that keeps its own budget.`,
    )
  }
  if (commandUses(command, 'maxTurns') && maxTurns === undefined) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `agents.cli(): the command ${describeValue(command)} uses {maxTurns}; set \`maxTurns\` or remove it.`,
    )
  }
  const budgetEnforcement = options.budgetEnforcement ?? 'strict'
  const secrets = options.secrets ?? []
  const program = command[0]!.split('/').pop() || command[0]!
  return {
    command: [...command],
    name: options.name ?? `cli:${program}`,
    promptVia,
    transcript,
    env: options.env,
    secrets,
    maxTurns,
    maxCostUsd,
    budgetEnforcement,
    cwd: options.cwd,
    timeoutMs: options.timeoutMs,
    gateway: options.gateway ?? false,
    pricing: options.pricing ?? DEFAULT_PRICING,
  }
}
