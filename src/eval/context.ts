import type { expect as vitestExpect } from 'vitest'
import type { AgentResult } from '../agents/types.ts'
import type { Grade, Grader } from '../graders/types.ts'
import type { Sandbox } from '../sandbox/types.ts'

/** What `ctx.run()` returns: the output of the task or agent. */
export interface RunOutput {
  /** Output as text. */
  output: string
  /** The task's return value as it was; for agents, the output text. */
  value: unknown
  /** The agent's full result, when the case has an agent. */
  agent?: AgentResult
  /**
   * The agent's changes to the workspace, when harvested: the git patch, the files it changed,
   * and where `patch.diff` was kept (relative to the results directory).
   */
  patch?: { diff: string; files: string[]; path?: string }
}

/** What `ctx.grade()` returns. */
export interface GradeSummary {
  pass: boolean
  /** Mean of the scored grades, or null when nothing could be scored. */
  score: number | null
  grades: Grade[]
}

/** Values recorded with `ctx.record()`. */
export type RecordedMetrics = Record<string, number | string | boolean | null>

/**
 * The context an eval body receives. Whatever the body leaves undone is done after it:
 * the agent or task runs if the body did not call `run()`, and graders run if it did not
 * call `grade()`.
 */
export interface EvalContext {
  /** The case's sandbox. Present when the eval has an agent, a `sandbox` option or a grader that needs one. */
  readonly sandbox: Sandbox
  /** The data row's input (or `input` option; the prompt by default). */
  readonly input: unknown
  /** The data row's expected value. */
  readonly expected: unknown
  /** Runs the agent or task once; later calls return the same output. */
  run(): Promise<RunOutput>
  /** Runs the eval's graders (plus `extra`) on the output; runs the agent first if needed. */
  grade(extra?: Grader[]): Promise<GradeSummary>
  /** Records metrics into the result entry (`cost_usd`, `turns_used`... set those fields too). */
  record(metrics: RecordedMetrics): void
  /** Aborted when the test times out or the run is canceled. */
  readonly signal: AbortSignal
  /** Vitest's `expect` bound to this test (safe in concurrent cases). */
  readonly expect: typeof vitestExpect
  /** Skips the case from here on; the note is recorded in the result file's `not_run` list. */
  skip(note?: string): never
}
