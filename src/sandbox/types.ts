/**
 * The sandbox contract. Every provider (local, docker, ...) implements exactly this and
 * passes the same contract suite (`sandbox/contract.ts`).
 *
 * Paths given to a sandbox are either absolute paths inside the sandbox or relative to
 * `workdir`.
 */
export interface Sandbox extends AsyncDisposable {
  /** Unique id (the container id for docker, the temp directory name for local). */
  readonly id: string
  /** Which provider made this sandbox: `'local'`, `'docker'`, ... */
  readonly provider: string
  /** Absolute path of the workspace inside the sandbox; commands run here by default. */
  readonly workdir: string
  /**
   * Absolute path of the folder whose contents are kept after the case (copied into the
   * case's run directory). Commands see it as `$EVALBOX_OUTPUT_DIR`.
   */
  readonly outputDir: string
  /**
   * Runs a command. A command that fails, times out or is canceled is a result, not an
   * error; only a dead or unreachable sandbox throws (`SandboxUnavailableError`).
   */
  exec(cmd: readonly string[], options?: ExecOptions): Promise<ExecResult>
  /** Reads a file. Throws `EvalboxError` with code `SANDBOX_PATH_ESCAPE` or a not-found error. */
  readFile(path: string): Promise<Buffer>
  /** Writes a file, creating parent folders. */
  writeFile(path: string, data: string | Uint8Array): Promise<void>
  /** Copies a host file or folder to `sandboxPath` (created; folders merge). */
  copyIn(hostPath: string, sandboxPath: string): Promise<void>
  /**
   * Copies a sandbox file or folder to `hostPath`. Entries that would land outside
   * `hostPath` (`..`, absolute names, links pointing outside) are rejected, or left out and
   * reported with `onEscape: 'skip'`; `maxBytes` and `maxFiles` cap the copy.
   */
  copyOut(sandboxPath: string, hostPath: string, options?: CopyOutOptions): Promise<CopyOutReport>
  /** Stops everything running in the sandbox and removes it. Safe to call more than once. */
  dispose(): Promise<void>
}

export interface CopyOutOptions {
  /**
   * A link pointing outside the copied folder: `'fail'` refuses the whole copy
   * (`SANDBOX_PATH_ESCAPE`, nothing written); `'skip'` leaves the link out and reports it.
   * @default 'fail'
   */
  onEscape?: 'fail' | 'skip'
  /** Files past this many bytes in all (apparent size: a sparse file counts in full) are left out. @default no cap */
  maxBytes?: number
  /** Entries (files, folders, links) past this many are left out. @default no cap */
  maxFiles?: number
}

/** What a copy-out wrote and what it left out. */
export interface CopyOutReport {
  /** Files and links written. */
  files: number
  /** Bytes of the files written. */
  bytes: number
  /** The first entries left out (at most 20), with why. */
  skipped: { path: string; reason: string }[]
  /** How many entries were left out in all. */
  skippedCount: number
}

export interface ExecOptions {
  /** Working directory; relative paths resolve against `workdir`. @default workdir */
  cwd?: string
  /** Extra environment variables. The sandbox never inherits the host environment. */
  env?: Readonly<Record<string, string>>
  /** Written to the command's standard input, which is then closed. */
  stdin?: string | Uint8Array
  /** Kill the whole process tree after this many milliseconds (`timedOut: true`). */
  timeoutMs?: number
  /** Aborting kills the whole process tree (`canceled: true`). */
  signal?: AbortSignal
  /**
   * Bytes of stdout and of stderr kept in the result, each; the rest is drained and
   * dropped (`truncated: true`). Streaming callbacks still see everything.
   * @default 10_485_760 (10 MiB)
   */
  maxOutputBytes?: number
  /** Called with every chunk of output as it arrives (for logs and live transcripts). */
  onOutput?: (chunk: Buffer, stream: 'stdout' | 'stderr') => void
}

/**
 * What a command did. Same shape for success and failure: branch on fields.
 */
export interface ExecResult {
  /** Exit code, or `null` when the process was ended by a signal. */
  exitCode: number | null
  /** Name of the signal that ended the process (`'SIGKILL'`), or `null`. */
  signal: string | null
  stdout: string
  stderr: string
  /** The command ran past `timeoutMs` and was killed. */
  timedOut: boolean
  /** The command was killed because `signal` aborted. */
  canceled: boolean
  /** stdout or stderr was longer than `maxOutputBytes` and was cut. */
  truncated: boolean
  /** The kernel's out-of-memory killer ended the command (docker memory limit). */
  oomKilled: boolean
  durationMs: number
}

/** Default byte cap per stream. */
export const DEFAULT_MAX_OUTPUT_BYTES = 10 * 1024 * 1024
/** Time between SIGTERM and SIGKILL when a process tree is stopped. */
export const KILL_GRACE_MS = 2_000
/**
 * Environment variable that tags every process one exec starts, its children and daemons
 * included: a process that left its group or was reparented still carries its environment,
 * so the providers find a whole tree by it when they stop one.
 */
export const EXEC_MARKER = 'EVALBOX_EXEC_ID'
