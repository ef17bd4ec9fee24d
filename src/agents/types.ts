import type { ExitReason, TokenUsage, TranscriptMetrics } from '../core/usage.ts'
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
  /** The model calls the gateway counted for this run (set by the case, not by the agent). */
  modelCalls?: ModelCallsSummary
}

/** What the run's model gateway counted of one case, from the wire. */
export interface ModelCallsSummary {
  /** `live` forwarded to the provider, `record` also wrote the cassette, `replay` served from it. */
  readonly mode: 'live' | 'record' | 'replay'
  readonly calls: number
  /** Calls not forwarded: forbidden paths, spent budgets. */
  readonly refused: number
  /** Calls that failed upstream (or did not match the cassette). */
  readonly errors: number
  readonly tokens: TokenUsage
  readonly costUsd: number
  readonly byModel: Readonly<Record<string, { calls: number; tokens: TokenUsage; costUsd: number }>>
  /** Which budget stopped the case, in words. */
  readonly budgetExceeded?: string
  /** Why the cassette did not answer a request. */
  readonly replayMismatch?: string
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

/**
 * How an agent reaches its model through the run's model gateway, which holds the real
 * credentials on the host and records every call. Absent when there is no gateway: the
 * agent then uses its own network and key (`network: 'bridge'`, a key copied from the host).
 */
export interface ModelAccess {
  /**
   * The gateway as the sandbox reaches it, ending with the case's prefix, e.g.
   * `http://127.0.0.1:4555/c/3Jk…`; a CLI adds its protocol's path (`/v1/messages`).
   */
  readonly baseUrl: string
  /** The stand-in key the agent sends; the gateway replaces it with the real one. */
  readonly apiKey: string
}

/** What an agent is given to do one case. */
export interface AgentContext {
  readonly sandbox: Sandbox
  /** The run's model gateway, for this case; see {@link ModelAccess}. */
  readonly models?: ModelAccess
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
  /**
   * True for agents that call a model API themselves (the CLI adapters): the case opens a
   * session of the run's model gateway for them and passes it as `ctx.models`.
   */
  readonly usesModels?: boolean
  run(ctx: AgentContext): Promise<AgentResult>
}
export type AgentFunction = (ctx: AgentContext) => Promise<AgentResult | string> | AgentResult | string
export type Agent = AgentObject | AgentFunction
