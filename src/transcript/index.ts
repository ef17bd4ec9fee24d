/** Stream-json transcripts: parsing, derived metrics and exit reasons (redaction: src/secrets/). */

// The agents' output stream takes its redactor type from here.
export type { Redactor, StreamRedactor } from '../secrets/redact.ts'
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
  type DeriveMetricsOptions,
  deriveMetrics,
  finalMessage,
  firstResponseMs,
  maxInterTurnMs,
  tokenUsage,
  toTokenUsage,
  transcriptCost,
  transcriptModel,
  turnsUsed,
} from './metrics.ts'
export {
  createTranscriptParser,
  parseTranscript,
  parseTranscriptLine,
  type TranscriptParser,
  type TranscriptParserOptions,
} from './parser.ts'
export {
  type FormatToolCallOptions,
  formatToolCall,
  lastToolCall,
  toolCalls,
  toolSummary,
} from './tool-calls.ts'
