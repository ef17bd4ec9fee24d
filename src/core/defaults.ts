/** Default agent/task time budget of a case. */
export const DEFAULT_TIMEOUT_MS = 300_000
/** Time for sandbox setup and grading on top of the budget (the Vitest timeout is the sum). */
export const DEFAULT_GRADE_TIMEOUT_MS = 120_000
/** Bytes of agent output kept per channel (agent.log, the transcript) of a case. */
export const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024
/** Output longer than this is kept in the run directory (`output.txt`) instead of inline. */
export const MAX_INLINE_OUTPUT = 16_384
