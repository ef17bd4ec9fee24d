/** Stream-json transcripts: parsing, derived metrics and exit reasons (redaction: src/core/secrets/). */

// The agents' output stream takes its redactor type from here.
export type { Redactor, StreamRedactor } from '../core/secrets/redact.ts'
export { type CodexDialectOptions, codexDialect } from './dialects/codex.ts'
export { GEMINI_TOOL_NAMES, geminiDialect } from './dialects/gemini.ts'
export { OPENCODE_TOOL_NAMES, opencodeDialect } from './dialects/opencode.ts'
export { QWEN_CODE_TOOL_NAMES, qwenCodeDialect } from './dialects/qwen-code.ts'
export type {
  AssistantMessage,
  RawUsage,
  ResultEvent,
  StreamJsonEvent,
  ToolUseBlock,
  TranscriptEntry,
  TranscriptEvent,
  UnparsedLine,
} from './events.ts'
export { findResultEvent, isUnparsed } from './events.ts'
export { type ExitFacts, exitReasonFromTranscript, timeoutAtTurn } from './exit-reason.ts'
export {
  createMetricsTally,
  type DeriveMetricsOptions,
  deriveMetrics,
  type MetricsTally,
  OTHER_TOOLS,
  toTokenUsage,
} from './metrics.ts'
export {
  createTranscriptParser,
  type DialectReader,
  parseTranscript,
  parseTranscriptLine,
  type TranscriptDialect,
  type TranscriptParser,
  type TranscriptParserOptions,
} from './parser.ts'
export {
  type FormatToolCallOptions,
  formatToolCall,
  toolCalls,
} from './tool-calls.ts'
