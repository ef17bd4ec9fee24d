import { DEFAULT_MAX_OUTPUT_BYTES } from '../core/defaults.ts'
import { redactDeep } from '../core/secrets/deep.ts'
import { createRedactor, type Redactor } from '../core/secrets/redact.ts'
import type { ExecResult } from '../sandbox/types.ts'
import { exitReasonFromTranscript, type ResultEvent, type TranscriptDialect } from '../transcript/index.ts'
import { resolveAgentEnv } from './agent-env.ts'
import { makeAgentHome } from './agent-home.ts'
import { createBudgetWatch } from './budget.ts'
import { type CliAgentOptions, type ResolvedCliOptions, resolveCliOptions } from './cli-options.ts'
import { commandUses, describeCommand, expandCommand } from './command-template.ts'
import { createOutputStream } from './output-stream.ts'
import { writePromptFile } from './prompt-file.ts'
import { createRunControl, type RunControl } from './run-control.ts'
import type { AgentContext, AgentObject, AgentResult, ExitReason } from './types.ts'

export type { CliAgentOptions } from './cli-options.ts'

/**
 * What the adapter of one particular CLI (`agents.codex`…) adds to `agents.cli`: code, not
 * options a user passes.
 */
export interface CliAgentHooks {
  /** The CLI's transcript format, when it is not Claude Code's stream-json. */
  readonly dialect?: TranscriptDialect
  /** Decided per run, right before the command (the gateway's address is known by then). */
  readonly setup?: (ctx: AgentContext) => CliRunSetup | Promise<CliRunSetup>
  /** The last word on the exit reason, given the result so far (a CLI that exits 0 on an error). */
  readonly exitReason?: (reason: ExitReason, result: AgentResult) => ExitReason
  /** The CLI calls a model API: the case gives it a session of the run's gateway (`ctx.models`). */
  readonly usesModels?: boolean
}

/** What an adapter sets up for one run. */
export interface CliRunSetup {
  /**
   * More variables, laid over the agent's `env`. `{home}` in a value becomes the fresh home
   * folder's path (`CLAUDE_CODE_TMPDIR: '{home}/.tmp'`), when `home` is given.
   */
  readonly env?: Readonly<Record<string, string>>
  /**
   * Files of a fresh home folder made for this run (relative path → content); `HOME` points
   * at it, so the CLI reads only this config, never the image's.
   */
  readonly home?: Readonly<Record<string, string>>
}

/** Stands for the fresh home folder's path in a {@link CliRunSetup} variable. */
const HOME_PLACEHOLDER = '{home}'

/** Longest stderr tail put into a failed run's `error`. */
const ERROR_TAIL = 600

/**
 * An agent that runs a CLI program inside the sandbox (`sandbox.exec`), in the workdir,
 * with only the allowlisted environment. With `transcript: 'stream-json'` its stdout is
 * parsed live for metrics and budgets and kept as `transcript.ndjson`; everything it
 * prints goes to `agent.log`; secrets are redacted from all of it.
 *
 * @example agents.cli({ command: ['my-agent', '--prompt-file', '{promptFile}'], env: ['OPENAI_API_KEY'] })
 */
export function cliAgent(options: CliAgentOptions, hooks: CliAgentHooks = {}): AgentObject {
  const resolved = resolveCliOptions(options)
  return {
    agentName: resolved.name,
    ...((hooks.usesModels ?? resolved.gateway) && { usesModels: true }),
    run: (ctx) => runCliAgent(resolved, hooks, ctx),
  }
}

async function runCliAgent(
  o: ResolvedCliOptions,
  hooks: CliAgentHooks,
  ctx: AgentContext,
): Promise<AgentResult> {
  const started = performance.now()
  const setup = (await hooks.setup?.(ctx)) ?? {}
  const env = { ...resolveAgentEnv(o.env), ...setup.env }
  // A plain CLI on the gateway learns where it is from two variables.
  if (o.gateway && ctx.models && !hooks.setup)
    Object.assign(env, {
      EVALBOX_GATEWAY_URL: ctx.models.baseUrl,
      EVALBOX_GATEWAY_KEY: ctx.models.apiKey,
    })
  const redactor = createRedactor(o.secrets, env)
  await ctx.keep('prompt.md', redactor.redact(ctx.prompt))
  const control = createRunControl(ctx.signal, o.timeoutMs)
  try {
    if (setup.home) {
      const home = await makeAgentHome(ctx.sandbox, setup.home, control.signal)
      env.HOME = home
      for (const [name, value] of Object.entries(setup.env ?? {}))
        if (value.includes(HOME_PLACEHOLDER)) env[name] = value.replaceAll(HOME_PLACEHOLDER, home)
    }
    const { argv, stdin } = await prepareCommand(o, ctx, control.signal)
    ctx.log(
      redactor.redact(
        `evalbox: $ ${describeCommand(argv, o.promptVia === 'arg' ? ctx.prompt : undefined)}\n`,
      ),
    )
    const watch = createBudgetWatch({ maxTurns: o.maxTurns, maxCostUsd: o.maxCostUsd }, o.budgetEnforcement)
    const output = createOutputStream({
      log: (text) => ctx.log(text),
      redactor,
      parse: o.transcript === 'stream-json',
      dialect: hooks.dialect,
      pricing: o.pricing,
      maxBytes: ctx.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
      onEvent: (entry, parser) => {
        const exceeded = watch(entry.event, parser.tally)
        if (exceeded) control.stop(exceeded.reason, exceeded.detail)
      },
    })
    let exec: ExecResult
    try {
      exec = await ctx.sandbox.exec(argv, {
        cwd: o.cwd,
        env,
        stdin,
        timeoutMs: ctx.timeoutMs,
        signal: control.signal,
        onOutput: output.onOutput,
      })
    } finally {
      const transcript = output.end()
      if (output.parser) await ctx.keep('transcript.ndjson', transcript)
    }
    const parser = output.parser
    let exitReason = cliExitReason(exec, control, parser?.tally.result)
    const metrics = parser?.metrics({ timedOut: exitReason === 'timeout' })
    const parsedJson = (parser?.tally.jsonEvents ?? 0) > 0
    const result: AgentResult = {
      output: metrics?.finalMessage ?? (parsedJson ? '' : exec.stdout.trim()),
      exitReason,
      exitCode: exec.exitCode,
      durationMs: Math.round(performance.now() - started),
    }
    if (metrics) result.metrics = metrics
    if (parser) result.transcript = [...parser.events]
    if (hooks.exitReason) result.exitReason = exitReason = hooks.exitReason(exitReason, result)
    ctx.log(`\nevalbox: ${describeExit(exec)} → ${exitReason}\n`)
    const truncation = output.truncation()
    if (Object.keys(truncation).length > 0) result.outputTruncated = truncation
    const error = failureText(exitReason, exec, control)
    if (error) result.error = error
    return redactResult(result, redactor)
  } finally {
    control.dispose()
  }
}

/** The argv and stdin of the run, with the prompt delivered as the options say. */
async function prepareCommand(
  o: ResolvedCliOptions,
  ctx: AgentContext,
  signal: AbortSignal,
): Promise<{ argv: string[]; stdin: string | undefined }> {
  const values = {
    workdir: ctx.sandbox.workdir,
    maxTurns: o.maxTurns === undefined ? undefined : String(o.maxTurns),
    prompt: o.promptVia === 'arg' ? ctx.prompt : undefined,
    promptFile: undefined as string | undefined,
  }
  let command = o.command
  if (o.promptVia === 'arg' && !commandUses(command, 'prompt')) command = [...command, '{prompt}']
  if (o.promptVia === 'file') {
    values.promptFile = await writePromptFile(ctx.sandbox, ctx.prompt, signal)
    if (!commandUses(command, 'promptFile')) command = [...command, '{promptFile}']
  }
  return { argv: expandCommand(command, values), stdin: o.promptVia === 'stdin' ? ctx.prompt : undefined }
}

/**
 * Timeout first (the case's own signal counts when it aborted for time), then a budget
 * this agent enforced, then what the process and its transcript say.
 */
function cliExitReason(
  exec: ExecResult,
  control: RunControl,
  resultEvent: ResultEvent | undefined,
): ExitReason {
  if (exec.timedOut || (exec.canceled && control.timedOut())) return 'timeout'
  if (control.budgetStop) return control.budgetStop.reason
  return exitReasonFromTranscript({
    resultEvent,
    exitCode: exec.exitCode,
    signal: exec.signal,
    oomKilled: exec.oomKilled,
    canceled: exec.canceled,
  })
}

function describeExit(exec: ExecResult): string {
  const how = exec.exitCode === null ? `killed by ${exec.signal ?? 'a signal'}` : `exit code ${exec.exitCode}`
  const flags = [exec.timedOut && 'timed out', exec.canceled && 'stopped', exec.oomKilled && 'out of memory']
  return [how, ...flags.filter(Boolean)].join(', ')
}

function failureText(reason: ExitReason, exec: ExecResult, control: RunControl): string | undefined {
  if (control.budgetStop && reason === control.budgetStop.reason) return control.budgetStop.detail
  if (!reason.startsWith('exit_code_')) return undefined
  const stderr = exec.stderr.trim()
  if (stderr === '') return undefined
  return stderr.length > ERROR_TAIL ? `…${stderr.slice(stderr.length - ERROR_TAIL)}` : stderr
}

function redactResult(result: AgentResult, redactor: Redactor): AgentResult {
  return redactDeep(result, redactor.redact)
}
