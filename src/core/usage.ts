// What every layer says about a run: why it stopped, what it used, what its transcript showed.

/** Why an agent stopped. Strings of the form `exit_code_N` carry the exit code. */
export type ExitReason =
  | 'success'
  | 'timeout'
  | 'error_max_turns'
  | 'error_max_budget'
  | 'oom'
  | 'sandbox_error'
  | 'canceled'
  | 'agent_error'
  | `exit_code_${number}`

/** Token counts of a run. */
export interface TokenUsage {
  input: number
  output: number
  cacheRead?: number
  cacheWrite?: number
}

/** What the transcript of a run says, derived by `src/transcript/`. */
export interface TranscriptMetrics {
  turns: number
  toolSummary: Record<string, number>
  lastToolCall?: string
  firstResponseMs?: number
  maxInterTurnMs?: number
  /** The turn that was active when a timeout hit. */
  timeoutAtTurn?: number
  tokens?: TokenUsage
  costUsd?: number
  model?: string
  /** The final message of the agent, when the transcript has one. */
  finalMessage?: string
}
