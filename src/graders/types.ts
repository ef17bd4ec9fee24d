import type { AgentResult } from '../agents/types.ts'
import type { Sandbox } from '../sandbox/types.ts'
import type { Grade } from '../store/schema.ts'

export type { Grade }

/** What a grader sees of a finished case. */
export interface GraderContext {
  /** The data row's input (describeEval), or the prompt. */
  readonly input: unknown
  /** The task's or agent's final output as text. */
  readonly output: string
  /** The task's return value as it was (objects stay objects); the output text for agents. */
  readonly value: unknown
  /** The data row's expected value, when given. */
  readonly expected: unknown
  /** The agent's result, when an agent ran. */
  readonly agent: AgentResult | undefined
  /** The case's sandbox (the agent's workspace as the agent left it). */
  readonly sandbox: Sandbox
  /** Host path of the workspace fixture (absolute), when the case has one. */
  readonly workspace: string | undefined
  /**
   * The agent's changes to the workspace as a git patch (`git diff --binary` against the
   * fixture), and the files it touched; undefined when no agent ran or nothing was harvested.
   */
  readonly patch: { diff: string; files: readonly string[] } | undefined
  /**
   * Opens a fresh sandbox made like the case's (same provider, image, limits), holding a
   * clean copy of the workspace fixture — a verifier the agent never touched. It is removed
   * when grading ends; calling `dispose()` earlier is fine.
   */
  openSandbox(): Promise<Sandbox>
  /** Writes a file into the case's run directory and records it (`grader-<name>.txt` ...). */
  keep(name: string, data: string | Uint8Array): Promise<string | undefined>
  readonly signal: AbortSignal
}

/**
 * A grader judges one case. It returns a `Grade`; if it throws, the case gets an unscored
 * grade with the error instead (the run never crashes on a grader).
 */
export interface Grader {
  readonly graderName: string
  /** The grader runs commands in the case's sandbox, so the case must have one. */
  readonly needsSandbox?: boolean
  (ctx: GraderContext): Promise<Grade>
}
