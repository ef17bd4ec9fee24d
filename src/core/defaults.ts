/** Default agent/task time budget of a case. */
export const DEFAULT_TIMEOUT_MS = 300_000
/** Time for sandbox setup and grading on top of the budget (the Vitest timeout is the sum). */
export const DEFAULT_GRADE_TIMEOUT_MS = 120_000
/** Bytes of agent output kept per channel (agent.log, the transcript) of a case. */
export const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024
/** Output longer than this is kept in the run directory (`output.txt`) instead of inline. */
export const MAX_INLINE_OUTPUT = 16_384

/**
 * The model a judge (and `createModelClient`) uses when none is named, per provider. Checked
 * on 2026-12-02 against Anthropic's models overview and deprecations page and OpenAI's
 * deprecations page: `claude-haiku-5-5` is the current Haiku (`claude-haiku-4-5` is legacy);
 * `gpt-6.1-terra` is OpenAI's named replacement for `gpt-5-mini`, which shuts down on
 * 2026-12-11. Neither has a retirement date. Keep `docs/graders.md` in step.
 */
export const DEFAULT_JUDGE_MODELS = {
  anthropic: 'claude-haiku-5-5',
  openai: 'gpt-6.1-terra',
} as const

/** evalbox's base image (Debian bookworm, node, python3 + pytest, git): `npx evalbox image build` makes it. */
export const DEFAULT_BASE_IMAGE = 'evalbox-base:bookworm-1'
