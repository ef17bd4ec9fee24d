/** Stream-json transcripts: parsing, derived metrics, exit reasons and secret redaction. */
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
  parseTranscript,
  parseTranscriptLine,
  type TranscriptParser,
  type TranscriptParserOptions,
} from './parser.ts'
export {
  createRedactor,
  createStreamRedactor,
  MIN_SECRET_LENGTH,
  type Redactor,
  redactSecrets,
  SECRET_NAME_PATTERN,
  type Secret,
  type StreamRedactor,
  secretsFromEnv,
} from './redact.ts'
export {
  type FormatToolCallOptions,
  formatToolCall,
  toolCalls,
} from './tool-calls.ts'
