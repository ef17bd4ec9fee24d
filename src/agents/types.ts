import type { ExitReason, TranscriptMetrics } from '../core/usage.ts'
import type { Sandbox } from '../sandbox/types.ts'

export type { ExitReason, TokenUsage, TranscriptMetrics } from '../core/usage.ts'

/** What an agent run produced. Plain data, same shape for success and failure. */
export interface AgentResult {
  /** The agent's final answer as text (its final message, or stdout). */
  output: string
  exitReason: ExitReason
  exitCode?: number | null
  durationMs?: number
  metrics?: TranscriptMetrics
  /** Parsed transcript events, when kept in memory. */
  transcript?: unknown[]
  /** Error text when the agent could not run (infrastructure). */
  error?: string
  /** What was cut at `maxOutputBytes`: bytes dropped, by what (see {@link OutputTruncation}). */
  outputTruncated?: OutputTruncation
}

/**
 * Bytes of agent output dropped at the case's `maxOutputBytes` (each is absent when nothing
 * was cut): `log` from `agent.log`, `transcript` from `transcript.ndjson`, `events` of
 * transcript lines whose events were not kept in memory (the metrics still count them).
 */
export interface OutputTruncation {
  log?: number
  transcript?: number
  events?: number
}

/** What an agent is given to do one case. */
export interface AgentContext {
  readonly sandbox: Sandbox
  readonly prompt: string
  readonly input: unknown
  readonly signal: AbortSignal
  /** Milliseconds the agent may take; the agent must stop by then. */
  readonly timeoutMs: number | undefined
  /**
   * Bytes of output the agent may keep per channel (the case's `maxOutputBytes`): `log`
   * stops writing past it, and agents keep at most this much transcript.
   * @default 16_777_216 (16 MiB)
   */
  readonly maxOutputBytes?: number
  /** Appends to the case's agent log (`agent.log`). */
  log(chunk: string | Uint8Array): void
  /** Writes a file into the case's run directory; returns its path relative to the results dir. */
  keep(name: string, data: string | Uint8Array): Promise<string | undefined>
}

/** An agent: an object with `run`, or a plain async function. */
export interface AgentObject {
  readonly agentName: string
  run(ctx: AgentContext): Promise<AgentResult>
}
export type AgentFunction = (ctx: AgentContext) => Promise<AgentResult | string> | AgentResult | string
export type Agent = AgentObject | AgentFunction
