/** Agents: CLI programs in the sandbox, Claude Code, scripted runs; and the workspace harvest. */
import { claudeCode } from './claude-code.ts'
import { cliAgent } from './cli-agent.ts'
import { codex } from './codex.ts'
import { geminiCli } from './gemini-cli.ts'
import { opencode } from './opencode.ts'
import { qwenCode } from './qwen-code.ts'
import { scripted } from './scripted-agent.ts'

/**
 * Agent factories: `agents.cli({ command })` runs any CLI agent inside the sandbox,
 * `agents.claudeCode(opts)` is Claude Code in print mode, `agents.codex(opts)` Codex, `agents.geminiCli(opts)` Gemini CLI, `agents.qwenCode(opts)` Qwen Code
 * and `agents.opencode(opts)` opencode headless, `agents.scripted(steps)` is a
 * deterministic agent for offline evals and tests. A plain async function is an agent too.
 */
export const agents = { cli: cliAgent, claudeCode, codex, geminiCli, qwenCode, opencode, scripted }

export type { AgentEnv } from './agent-env.ts'
export type { BudgetEnforcement } from './budget.ts'
export {
  CLAUDE_CODE_ENV,
  type ClaudeCodeOptions,
  type ClaudePermissionMode,
  claudeCode,
  claudeCodeCommand,
  claudeCodeRunEnv,
} from './claude-code.ts'
export { type CliAgentOptions, cliAgent } from './cli-agent.ts'
export {
  CODEX_DEFAULT_MODEL,
  CODEX_ENV,
  type CodexOptions,
  codex,
  codexCommand,
  codexConfig,
} from './codex.ts'
export {
  GEMINI_CLI_DEFAULT_MODEL,
  GEMINI_CLI_ENV,
  type GeminiCliOptions,
  geminiCli,
  geminiCliCommand,
  geminiCliSettings,
} from './gemini-cli.ts'
export {
  type HarvestedPatch,
  harvestPatch,
  prepareWorkspaceBaseline,
  type WorkspaceBaseline,
} from './harvest.ts'
export {
  OPENCODE_DEFAULT_MODEL,
  OPENCODE_ENV,
  OPENCODE_PROVIDER,
  type OpencodeOptions,
  opencode,
  opencodeCommand,
  opencodeConfig,
  opencodeExitReason,
  opencodeRunEnv,
} from './opencode.ts'
export {
  createPatchRegistry,
  normalizePatch,
  type PatchRegistry,
  type PatchRegistryOptions,
  patchHash,
} from './patch-registry.ts'
export {
  QWEN_CODE_ENV,
  QWEN_CODE_SETTINGS,
  type QwenCodeOptions,
  qwenCode,
  qwenCodeCommand,
  qwenCodeExitReason,
  qwenCodeRunEnv,
} from './qwen-code.ts'
export { type ScriptedAgentOptions, scripted } from './scripted-agent.ts'
export type {
  EditStep,
  FinishStep,
  FunctionStep,
  RunStep,
  SayStep,
  ScriptedStep,
  WaitStep,
  WriteStep,
} from './scripted-steps.ts'
export type {
  Agent,
  AgentContext,
  AgentFunction,
  AgentObject,
  AgentResult,
  ExitReason,
  OutputTruncation,
  TokenUsage,
  TranscriptMetrics,
} from './types.ts'
