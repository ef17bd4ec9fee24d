import { createByteBudget } from '../../agents/output-stream.ts'
import type { Agent, AgentContext, AgentResult, ModelCallsSummary } from '../../agents/types.ts'
import { errorMessage, SandboxUnavailableError } from '../../core/errors.ts'
import { beginAgentStep } from '../../sandbox/agent-step.ts'
import type { Sandbox } from '../../sandbox/types.ts'
import type { CaseFiles } from './files.ts'
import { type ModelSession, type ModelSessionPlan, openModelSession } from './models.ts'

/** What the agent step needs. */
export interface AgentStepInput {
  readonly sandbox: Sandbox
  readonly prompt: string
  readonly input: unknown
  readonly timeoutMs: number
  readonly maxOutputBytes: number
  /** Aborted when the test is canceled. */
  readonly signal: AbortSignal
  /** Processes started in the sandbox before the agent (by the eval's body) keep running. */
  readonly keepEarlier: boolean
  /** Where its log and kept files go. */
  readonly files: CaseFiles
  /** The run's model gateway, for agents that call models (absent: no gateway in this run). */
  readonly models?: ModelSessionPlan
}

/**
 * Runs the case's agent with the case's time and output budgets. The agent gets a signal
 * that aborts at the timeout or when the test is canceled; an agent that ignores it is cut
 * off here, so a case never waits longer than its budget. Its log keeps the first
 * `maxOutputBytes` bytes; the rest is counted (`outputTruncated.log`) and noted at the end.
 * When the agent step ends — normally or not — every process it started in the sandbox is
 * stopped and its view of the sandbox closed, before the harvest and the graders.
 */
export async function runAgent(agent: Agent, run: AgentStepInput): Promise<AgentResult> {
  const { maxOutputBytes } = run
  const budget = createByteBudget(maxOutputBytes)
  const log = (chunk: string | Uint8Array) => {
    const part = budget.take(chunk)
    if (part.length > 0) run.files.log(part)
  }
  const result = await runWithin(agent, run, log)
  if (budget.dropped === 0) return result
  run.files.log(
    `\nevalbox: agent.log stopped at maxOutputBytes (${maxOutputBytes} bytes); ${budget.dropped} more bytes were dropped\n`,
  )
  return { ...result, outputTruncated: { ...result.outputTruncated, log: budget.dropped } }
}

async function runWithin(agent: Agent, run: AgentStepInput, log: AgentContext['log']): Promise<AgentResult> {
  // What the eval's body started before `ctx.run()` is not the agent's and keeps running.
  const step = await beginAgentStep(run.sandbox, { keepEarlier: run.keepEarlier })
  const started = performance.now()
  const { timeoutMs, maxOutputBytes, signal: testSignal } = run
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(new Error('timeout')), timeoutMs)
  const onCancel = () => controller.abort(new Error('canceled'))
  if (testSignal.aborted) onCancel()
  else testSignal.addEventListener('abort', onCancel, { once: true })
  const ctx: AgentContext = {
    sandbox: step.sandbox,
    prompt: run.prompt,
    input: run.input,
    signal: controller.signal,
    timeoutMs,
    maxOutputBytes,
    log,
    keep: (name, data) => run.files.keep(name, data),
  }
  const stopped = new Promise<AgentResult>((resolve) => {
    controller.signal.addEventListener('abort', () => {
      // Give a well-behaved agent a moment to report its own partial result first.
      setTimeout(() => resolve(stoppedResult(controller.signal.reason, started)), 5_000).unref()
    })
  })
  let session: ModelSession | undefined
  try {
    if (run.models && typeof agent !== 'function' && agent.usesModels)
      session = await openModelSession(run.models, step.sandbox, run.files, controller.signal)
    const withModels = session ? { ...ctx, models: session.access } : ctx
    const result = await Promise.race([invoke(agent, withModels), stopped])
    const ended: AgentResult = {
      ...result,
      durationMs: result.durationMs ?? performance.now() - started,
      exitReason:
        controller.signal.aborted && result.exitReason === 'success'
          ? abortReason(controller.signal)
          : result.exitReason,
    }
    if (!session) return ended
    const calls = await session.close()
    session = undefined
    return withModelCalls(ended, calls)
  } catch (error) {
    if (error instanceof Error && error.name === 'RunBudgetSpentError')
      return { output: '', exitReason: 'error_max_budget', error: errorMessage(error), durationMs: 0 }
    if (controller.signal.aborted) return stoppedResult(controller.signal.reason, started, error)
    const infra = error instanceof SandboxUnavailableError
    return {
      output: '',
      exitReason: infra ? 'sandbox_error' : 'agent_error',
      error: errorMessage(error),
      durationMs: performance.now() - started,
    }
  } finally {
    clearTimeout(timer)
    testSignal.removeEventListener('abort', onCancel)
    // A session the agent's failure left open is closed all the same (its calls stay counted).
    await session?.close().catch(() => {})
    await step.end()
  }
}

/**
 * The gateway's count joins the result; what it saw outranks what the agent says: a spent
 * budget ends the case `error_max_budget`, a request the cassette could not answer fails it.
 */
function withModelCalls(result: AgentResult, calls: ModelCallsSummary): AgentResult {
  const ended: AgentResult = { ...result, modelCalls: calls }
  if (result.exitReason === 'timeout' || result.exitReason === 'canceled') return ended
  if (calls.budgetExceeded) {
    ended.exitReason = 'error_max_budget'
    ended.error = calls.budgetExceeded
  } else if (calls.replayMismatch) {
    ended.exitReason = 'agent_error'
    ended.error = `the cassette has no answer for a model call: ${calls.replayMismatch} (record it again with EVALBOX_MODEL=record)`
  }
  return ended
}

async function invoke(agent: Agent, ctx: AgentContext): Promise<AgentResult> {
  const result = typeof agent === 'function' ? await agent(ctx) : await agent.run(ctx)
  return typeof result === 'string' ? { output: result, exitReason: 'success' } : result
}

function abortReason(signal: AbortSignal): AgentResult['exitReason'] {
  return errorMessage(signal.reason) === 'timeout' ? 'timeout' : 'canceled'
}

function stoppedResult(reason: unknown, started: number, error?: unknown): AgentResult {
  const exitReason = errorMessage(reason) === 'timeout' ? 'timeout' : 'canceled'
  return {
    output: '',
    exitReason,
    error: error === undefined ? undefined : errorMessage(error),
    durationMs: performance.now() - started,
  }
}
