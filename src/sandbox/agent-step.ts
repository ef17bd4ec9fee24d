import { SandboxUnavailableError } from '../core/errors.ts'
import type { Sandbox } from './types.ts'

/**
 * A provider hook beside the `Sandbox` contract (like `UNTOUCHED`): marks the start of the
 * agent step and returns the function that stops, at its end, every process started since.
 * With `keepEarlier`, processes that ran before the step (an eval body's own services) keep
 * running; without it the provider may assume there were none.
 */
export const STEP_PROCESSES = Symbol.for('evalbox.sandbox.step-processes')

export interface StepProcesses {
  [STEP_PROCESSES]?: (options: { keepEarlier: boolean }) => Promise<() => Promise<void>>
}

/** The agent step of a case: the sandbox the agent gets, and its end. */
export interface AgentStep {
  /** The case's sandbox as the agent sees it; unusable once the step ended. */
  sandbox: Sandbox
  /**
   * Ends the step: the agent's sandbox stops working (an agent that ignored its abort signal
   * can start nothing more), then every process the step started is stopped — daemons
   * included — so graders never run beside the agent's processes. Never throws.
   */
  end(): Promise<void>
}

/** Begins the agent step on `sandbox` (see `AgentStep`). */
export async function beginAgentStep(
  sandbox: Sandbox,
  options: { keepEarlier: boolean },
): Promise<AgentStep> {
  const hook = (sandbox as Sandbox & StepProcesses)[STEP_PROCESSES]
  const stop = hook ? await hook(options) : async () => {}
  let ended = false
  const open =
    <A extends unknown[], R>(method: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (ended) {
        throw new SandboxUnavailableError(
          `The agent step in sandbox ${sandbox.id} has ended; the agent can no longer use its sandbox.`,
        )
      }
      return method(...args)
    }
  const view: Sandbox = {
    ...sandbox,
    exec: open(sandbox.exec),
    readFile: open(sandbox.readFile),
    writeFile: open(sandbox.writeFile),
    copyIn: open(sandbox.copyIn),
    copyOut: open(sandbox.copyOut),
  }
  return {
    sandbox: view,
    end: async () => {
      ended = true
      await stop().catch(() => {})
    },
  }
}
