import type { EvalboxErrorCode } from '../core/errors.ts'

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

/** Which provider runs a case: `auto` or a registered provider (`sandbox/providers.ts`). */
export type SandboxProviderName = 'auto' | 'local' | 'docker' | (string & {})

/** How a case's sandbox is made. Every field is optional; project defaults fill the gaps. */
export interface SandboxSpec {
  /**
   * `auto`: Docker when an image is set (an infrastructure failure when no engine answers,
   * unless `hostFallback`), else local (one warning per run). `EVALBOX_SANDBOX=docker|local`
   * (any registered provider) overrides `auto`.
   * @default 'auto'
   */
  provider?: SandboxProviderName
  /**
   * Host folder copied into the sandbox's workdir, relative to the project root. It must
   * lie inside the project root, symbolic links resolved, unless `allowOutsideRoot`.
   */
  workspace?: string
  /** Let `workspace` and `build.context` name folders outside the project root. @default false */
  allowOutsideRoot?: boolean
  /**
   * Whether this sandbox may be the local one: a temp dir on this machine, whose commands run
   * as your user (the agent's, and graders' on the agent's work). `false`: a case that would
   * get it fails with an infrastructure error instead (`HOST_SANDBOX_REFUSED`). Set it on the
   * project to keep every agent in a container. @default true
   */
  allowHost?: boolean
  /**
   * For a spec that names an `image` or a `build`: when no Docker engine answers, run it in the
   * local sandbox (warned at the end of the run) instead of failing it with
   * `DOCKER_UNREACHABLE`. @default false
   */
  hostFallback?: boolean
  /** Docker image. */
  image?: string
  /** When to pull `image`. @default 'missing' */
  pull?: 'missing' | 'never' | 'always'
  /** Build the image from a context folder instead (tagged by a hash of its contents). */
  build?: { context: string; dockerfile?: string }
  /**
   * Resource limits (docker); unset ones keep their defaults.
   * @default { memory: '2g', pids: 1024, disk: '1g' } (no CPU limit)
   */
  limits?: { memory?: string | number; cpus?: number; pids?: number; disk?: string | number }
  /** Docker network. @default 'none' */
  network?: 'none' | 'bridge'
  /**
   * Run commands as this user (docker), e.g. `'1000:1000'`, `'node'`, `'root'`.
   * @default the image's user when it is not root, else '1000:1000'
   */
  user?: string
  /** Mount the root filesystem read-only; workdir, outputs, `$HOME` and /tmp stay writable (docker). @default true */
  readOnlyRoot?: boolean
  /** Capabilities given back after all are dropped (docker), e.g. `['CHOWN']`. @default [] */
  capAdd?: string[]
  /** Forbid gaining privileges through setuid binaries or file capabilities (docker). @default true */
  noNewPrivileges?: boolean
  /** OCI runtime of the engine (docker), e.g. `'runsc'` for gVisor. @default the engine's default */
  runtime?: string
  /** Folder in the sandbox whose contents are kept in the case's run directory. @default '/home/output' */
  outputs?: string
  /** Workspace path inside a docker sandbox. @default '/workspace' */
  workdir?: string
  /** Environment variables set for every command in the sandbox. */
  env?: Record<string, string>
  /** Keep this many fresh containers ready for this spec (docker). Each serves one case. @default 0 */
  warm?: number
  /**
   * Caps on what is copied out of the sandbox per case. Outputs past them are left out and
   * listed (`metrics.outputs`); a workspace past them is not harvested (an infrastructure
   * failure naming the cap). Sizes are apparent: a sparse file counts in full.
   * @default { outputBytes: 104_857_600, outputFiles: 10_000, workspaceBytes: 268_435_456, workspaceFiles: 50_000 }
   */
  copyLimits?: {
    outputBytes?: number
    outputFiles?: number
    workspaceBytes?: number
    workspaceFiles?: number
  }
}

/**
 * Run-level settings made once in the Vitest main process (globalSetup) and handed to
 * workers with `provide`. Plain JSON.
 */
export interface RunSettings {
  runId: string
  /** Pid of the Vitest main process; containers are labelled with it (orphan sweep). */
  ownerPid: number
  /** The project root; relative workspace and build paths resolve against it. */
  root: string
  resultsDir: string
  /** `runs/<runId>` under the results dir; case directories go inside. */
  runDir: string
  /** What `sandbox: 'auto'` prefers in this run: a provider name (see `sandbox/providers.ts`). */
  autoProvider: string
  /** Why auto fell back to local (engine error), when it did. */
  autoReason?: string
  /** Project-level sandbox defaults (`evalsProject({ sandbox })`). */
  sandboxDefaults?: SandboxSpec
  /** Default agent/task timeout in ms. */
  timeout?: number
  /** Main-process sandbox service (image builds, warm pool), when running. */
  brokerUrl?: string
  /** The secret every request to that service carries (never written anywhere). */
  brokerToken?: string
  /** More variable names whose values are secrets (`evalsProject({ secrets })`). */
  secrets?: string[]
  /** The run's model gateway (main process), when running: its URL on 127.0.0.1. */
  gatewayUrl?: string
  /** The secret of the gateway's admin API (opening a case); never given to an agent. */
  gatewayToken?: string
  /** The host folder of the gateway's unix socket, mounted into Docker sandboxes. */
  gatewayDir?: string
  /** Whether the gateway has a real key for at least one provider (record/replay choice). */
  gatewayHasKeys?: boolean
  /** The run's budget in USD (`evalsProject({ budget })`), held by the gateway. */
  runBudgetUsd?: number
}

/**
 * A sandbox provider: one object per kind of sandbox (local temp dir, Docker container, ...).
 * The rest of evalbox reaches providers only through this registry, so a new one is its
 * folder plus one `registerProvider` line below. See docs/sandboxes.md, "Writing a provider".
 */
export interface SandboxProvider {
  /** What `sandbox: { provider }` and `EVALBOX_SANDBOX` call it. */
  readonly name: string
  /**
   * Whether `sandbox: 'auto'` may pick this provider for a spec (docker: the spec names an
   * image or a build). Without it, only specs naming the provider get it.
   */
  serves?(spec: SandboxSpec): boolean
  /**
   * Asked once per run in the Vitest main process: undefined when the provider can work in
   * this run, else why not (an engine or API server that does not answer). Without it, always.
   */
  probe?(): Promise<ProbeFailure | undefined>
  /**
   * Once per run in the main process, after a good probe, before the first case: remove what
   * dead runs left (judged by the ownership labels), start run-level services, fill warm
   * pools; hand workers what they need through `run.settings`.
   */
  prepareRun?(run: RunContext): Promise<void>
  /** At the end of the run (teardown): remove everything of the run that is left. */
  cleanupRun?(run: RunContext): Promise<void>
  /**
   * In a worker, before its first case with this provider: pay one-time costs (load a
   * client, open a connection) off the cases' clocks. Errors are left to the cases.
   */
  warmUp?(spec: SandboxSpec, settings: RunSettings): Promise<void>
  /** Makes a fresh sandbox for one case; it must pass the contract suite (`contract.ts`). */
  open(spec: SandboxSpec, context: OpenContext): Promise<Sandbox>
}

/** Why a provider cannot work in this run. */
export interface ProbeFailure {
  code: EvalboxErrorCode
  /** What was tried and how to fix it; printed as it is. */
  message: string
}

/** A run, as the run-level hooks see it (Vitest main process). */
export interface RunContext {
  /** Handed to the workers after `prepareRun`: a provider may add to it (its service's address). */
  settings: RunSettings
  /** `runLabels(settings)`: run id, owner pid, machine id, boot id. Everything of the run carries them. */
  labels: Record<string, string>
  log(message: string): void
  /** Adds a synchronous hook for SIGINT/SIGTERM (the process has a millisecond left). */
  onInterrupt(hook: () => void): void
  /** Which provider a spec gets in this run (after the probes). */
  providerOf(spec: SandboxSpec): string
}

/** What `open` gets besides the spec. */
export interface OpenContext {
  settings: RunSettings
  /** The host folder to copy into the workdir: absolute, checked against the project root. */
  workspace: string | undefined
  /** The run's labels plus the case's (`evalbox.case`): the sandbox must carry them. */
  labels: Record<string, string>
  /** The case, for names and logs. */
  caseLabel: string
}
