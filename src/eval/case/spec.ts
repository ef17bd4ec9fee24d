import { DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_TIMEOUT_MS } from '../../core/defaults.ts'
import { createRedactor, type Redactor } from '../../core/secrets/redact.ts'
import type { Grader } from '../../graders/types.ts'
import { resolveSandboxSpec, type SandboxOption, type SandboxSpec } from '../../sandbox/spec.ts'
import type { RunSettings } from '../../sandbox/types.ts'
import type { EvalContext } from '../context.ts'
import type { EvalOptions } from '../options.ts'

/** Everything needed to run one case (one data row, one repeat). */
export interface CaseSpec {
  /** The Vitest test name (with the repeat suffix). */
  testName: string
  /** The case name without the repeat suffix. */
  caseName: string
  suite: string
  repeat: number
  repeats: number
  options: EvalOptions
  input: unknown
  expected: unknown
  rowMetadata?: Record<string, unknown>
  /** The data row's own sandbox option, laid over the eval's. */
  rowSandbox?: SandboxOption
  body?: (ctx: EvalContext) => unknown
}

/** What a case is, worked out once from its spec and the run's settings before anything runs. */
export interface CasePlan {
  readonly spec: CaseSpec
  readonly settings: RunSettings
  /** Identifies the case within the run (suite and test name). */
  readonly key: string
  readonly graders: readonly Grader[]
  readonly prompt: string | undefined
  readonly sandboxSpec: SandboxSpec | undefined
  /** The agent's or task's time budget. */
  readonly timeoutMs: number
  readonly maxOutputBytes: number
  /** The case has an agent or a task for `ctx.run()`. */
  readonly canRun: boolean
  /** What is secret in this case: everything it writes or reports passes through it. */
  readonly redactor: Redactor
}

export function planCase(spec: CaseSpec, settings: RunSettings): CasePlan {
  const { options } = spec
  return {
    spec,
    settings,
    key: `${spec.suite} › ${spec.testName}`,
    graders: options.graders ?? [],
    prompt: typeof options.prompt === 'function' ? options.prompt(spec.input) : options.prompt,
    sandboxSpec: caseSandboxSpec(options, spec.rowSandbox, settings),
    timeoutMs: options.timeout ?? settings.timeout ?? DEFAULT_TIMEOUT_MS,
    maxOutputBytes: options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
    canRun: options.agent !== undefined || options.task !== undefined,
    redactor: createRedactor(settings.secrets),
  }
}

/**
 * The sandbox a case gets (its row's over its eval's over the project's), or undefined when
 * it needs none: no agent, no sandbox option and no grader that runs commands.
 */
export function caseSandboxSpec(
  options: EvalOptions,
  rowSandbox: SandboxOption | undefined,
  settings: Pick<RunSettings, 'sandboxDefaults'>,
): SandboxSpec | undefined {
  const needsSandbox =
    options.agent !== undefined ||
    options.sandbox !== undefined ||
    rowSandbox !== undefined ||
    (options.graders ?? []).some((grader) => grader.needsSandbox)
  return needsSandbox
    ? resolveSandboxSpec(rowSandbox, resolveSandboxSpec(options.sandbox, settings.sandboxDefaults))
    : undefined
}
