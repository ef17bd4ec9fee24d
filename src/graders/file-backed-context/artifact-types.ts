/**
 * The kinds an artifact may have. The kind tells the model how to read it (a log is grepped,
 * a chat history is read by turn, a file by page).
 */
export const ARTIFACT_KINDS = [
  'command_stdout',
  'command_stderr',
  'chat_history',
  'file_content',
  'tool_output',
] as const

/** What an artifact holds: one of `ARTIFACT_KINDS`. */
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number]

/** A stored artifact's metadata (the `<artifactId>.json` beside its `<artifactId>.txt`). */
export interface ContextArtifact {
  readonly id: string
  readonly kind: ArtifactKind
  readonly threadId: string
  readonly turnId: string
  /** The tool call whose output this is, when known. */
  readonly sourceToolId: string | undefined
  /** A human label (the command, the file name ...). */
  readonly label: string | undefined
  readonly byteCount: number
  readonly lineCount: number
  /** ISO 8601 time of creation. */
  readonly createdAt: string
  /** Absolute path of the stored text. */
  readonly path: string
}

/** What `ArtifactStore.create` needs. */
export interface CreateArtifactRequest {
  kind: ArtifactKind
  threadId: string
  turnId: string
  sourceToolId?: string
  label?: string
  /** The output to store, as text or raw bytes (stored as given). */
  bytes: string | Uint8Array
  /** A chosen id (path-safe); a fresh random one when omitted. */
  id?: string
}

/** One line of an artifact, numbered from 1. */
export interface ArtifactLine {
  readonly number: number
  readonly text: string
}

/** A window of an artifact's lines, as read-page, grep and tail return it. */
export interface ArtifactView {
  readonly artifactId: string
  /** The lines shown, in order (for grep: the matches and their context lines). */
  readonly lines: readonly ArtifactLine[]
  /** The lines rendered for a model: `<number>: <text>` each, newline-separated. */
  readonly text: string
  readonly totalLines: number
  /** More lines (or matches) exist past this window. */
  readonly hasMore: boolean
  /** The offset to pass for the next window, when `hasMore`. */
  readonly nextOffset: number | undefined
}

/** A grep window: the view plus which lines matched. */
export interface ArtifactGrepView extends ArtifactView {
  /** Line numbers of the matches shown (context lines excluded). */
  readonly matchLines: readonly number[]
  /** Matches in the whole artifact. */
  readonly totalMatches: number
}

/** Paging for `readPage`. */
export interface ReadPageOptions {
  /** First line to show, 1-based. @default 1 */
  offset?: number
  /** Lines to show at most. @default 200 */
  limit?: number
}

/** Paging and matching for `grep`. */
export interface GrepOptions {
  /** Matches to skip, 0-based (pass `nextOffset` to page on). @default 0 */
  offset?: number
  /** Matches to show at most. @default 200 */
  limit?: number
  /** Lines of context shown before and after each match. @default 0 */
  context?: number
  /** Treat a string query as a regular expression instead of literal text. @default false */
  regex?: boolean
  /** Match without regard to case. @default false */
  ignoreCase?: boolean
}
