import { EMPTY_BASELINE, type WorkspaceBaseline } from '../../agents/harvest.ts'
import { openSandbox } from '../../sandbox/open.ts'
import type { Sandbox } from '../../sandbox/types.ts'
import { baselineWorkspace } from './harvest.ts'
import type { CasePlan } from './spec.ts'

/**
 * The case's sandbox, and the workspace as it was before the agent (agent cases only); or
 * the `error` that stopped the preparation, with the sandbox when one was already open (it
 * must still be removed).
 */
export interface Prepared {
  readonly sandbox: Sandbox | undefined
  readonly baseline: WorkspaceBaseline | undefined
  readonly error?: unknown
}

/**
 * Step 1: opens the case's sandbox (when it needs one) and records the workspace the agent
 * starts from. A failure is an infrastructure failure: without a baseline the agent's work
 * could not be harvested, so the case stops there.
 */
export async function prepareSandbox(plan: CasePlan): Promise<Prepared> {
  const spec = plan.sandboxSpec
  if (!spec) return { sandbox: undefined, baseline: undefined }
  let sandbox: Sandbox | undefined
  try {
    sandbox = await openSandbox(spec, plan.settings, plan.key)
    if (!plan.spec.options.agent) return { sandbox, baseline: undefined }
    // An empty workdir needs no reading: its baseline has no files.
    const baseline = spec.workspace ? await baselineWorkspace(sandbox, spec) : EMPTY_BASELINE
    return { sandbox, baseline }
  } catch (error) {
    return { sandbox, baseline: undefined, error }
  }
}
