import { createHash } from 'node:crypto'
import { createWriteStream, rmSync, type WriteStream } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { describeWriteError, makeDir } from '../store/results-dir.ts'

/**
 * The files kept for one case, in `runs/<runId>/<case>/` under the results directory.
 * Nothing touches the disk until something is kept; without a run dir (helpers used
 * outside an evals project) nothing is kept at all.
 *
 * Writing these files never fails the case: a write that fails (a full disk) is recorded in
 * `error` (the entry's `run_dir_error`), the half-written file is removed, and the case goes
 * on to be graded. The results disk is evalbox's business, not the agent's.
 */
export class CaseFiles {
  /** Kept files by role, relative to the results directory. */
  readonly artifacts: Record<string, string> = {}
  /** Why a file of the run directory could not be written (the first failure). */
  error: string | undefined
  private dir: string | undefined
  private logStream: WriteStream | undefined
  private logFailed = false

  constructor(
    private readonly resultsDir: string,
    private readonly runDir: string,
    private readonly caseKey: string,
  ) {}

  /** True when files can be kept for this case. */
  get enabled(): boolean {
    return this.runDir !== ''
  }

  /**
   * The case's directory (created on first call), or undefined without a run dir or when it
   * cannot be created (recorded in `error`).
   */
  directory(): string | undefined {
    if (!this.enabled) return undefined
    if (!this.dir) {
      const dir = join(this.runDir, caseSlug(this.caseKey))
      try {
        makeDir(dir)
      } catch (error) {
        this.fail(dir, error)
        return undefined
      }
      this.dir = dir
    }
    return this.dir
  }

  /** Records a file of the run directory that could not be written. */
  fail(path: string, error: unknown): void {
    this.error ??= `could not write ${relative(this.resultsDir, path) || path}: ${describeWriteError(error)}`
  }

  /** The case directory relative to the results dir, once it exists. */
  get relativeDir(): string | undefined {
    return this.dir ? relative(this.resultsDir, this.dir) : undefined
  }

  /**
   * Writes `name` into the case directory; returns its path relative to the results dir, or
   * undefined when nothing could be kept (no run dir, or the write failed: see `error`).
   */
  async keep(name: string, data: string | Uint8Array, role = roleOf(name)): Promise<string | undefined> {
    const dir = this.directory()
    if (!dir) return undefined
    const path = join(dir, name)
    try {
      await writeFile(path, data)
    } catch (error) {
      this.fail(path, error)
      // A cut-short file is no record of anything, and it holds the space others need.
      rmSync(path, { force: true })
      return undefined
    }
    return this.record(role, path)
  }

  /** Records a file already written into the case directory. */
  record(role: string, absolutePath: string): string {
    const rel = relative(this.resultsDir, absolutePath)
    this.artifacts[role] = rel
    return rel
  }

  /** Appends to `agent.log` (opened on first write); after a failed write, drops the rest. */
  log(chunk: string | Uint8Array): void {
    if (this.logFailed) return
    if (!this.logStream) {
      const dir = this.directory()
      if (!dir) return
      const path = join(dir, 'agent.log')
      const stream = createWriteStream(path)
      stream.on('error', (error) => {
        this.logFailed = true
        this.fail(path, error)
        // What was written stays (a log cut short is still a log); the entry says it was cut.
        stream.destroy()
        if (this.logStream === stream) this.logStream = undefined
      })
      this.logStream = stream
      this.record('log', path)
    }
    this.logStream.write(chunk)
  }

  /** Flushes and closes the log. Never throws. */
  async close(): Promise<void> {
    const stream = this.logStream
    if (!stream) return
    this.logStream = undefined
    await new Promise<void>((resolve) => {
      stream.once('close', resolve)
      stream.end()
    })
  }
}

function roleOf(name: string): string {
  return name.replace(/\.[^.]+$/, '')
}

/** A readable, file-safe, unique folder name for a case. */
export function caseSlug(key: string): string {
  const readable = key
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
  const hash = createHash('sha1').update(key).digest('hex').slice(0, 8)
  return `${readable || 'case'}-${hash}`
}
