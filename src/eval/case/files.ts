import { createHash } from 'node:crypto'
import { createWriteStream, existsSync, rmSync, type WriteStream } from 'node:fs'
import { cp, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { redactData, redactTree, withheldNote } from '../../core/secrets/files.ts'
import type { Redactor, StreamRedactor } from '../../core/secrets/redact.ts'
import { describeWriteError, makeDir } from '../../store/results-dir.ts'

/**
 * The files kept for one case, in `runs/<runId>/<case>/` under the results directory.
 * Nothing touches the disk until something is kept; without a run dir (helpers used
 * outside an evals project) nothing is kept at all. Every byte passes the case's redactor on
 * its way in: text is redacted, and binary data that holds a secret (or cannot be scanned)
 * is withheld, with a `<name>.withheld.txt` note in its place.
 *
 * Writing these files never fails the case: a write that fails (a full disk) is recorded in
 * `error` (the entry's `run_dir_error`), the half-written file is removed, and the case goes
 * on to be graded. The results disk is evalbox's business, not the agent's.
 */
export class CaseFiles {
  /** Kept files by role, relative to the results directory. */
  readonly artifacts: Record<string, string> = {}
  /** Files not kept because of secrets, relative to the results dir. */
  readonly withheld: { path: string; reason: string }[] = []
  /** Why a file of the run directory could not be written (the first failure). */
  error: string | undefined
  private dir: string | undefined
  private logStream: WriteStream | undefined
  private logRedactor: StreamRedactor | undefined
  private logFailed = false

  constructor(
    private readonly resultsDir: string,
    private readonly runDir: string,
    private readonly caseKey: string,
    private readonly redactor: Redactor,
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
   * Writes `name` into the case directory (redacted); returns its path relative to the results
   * dir, or undefined when nothing could be kept (no run dir, or the write failed: see
   * `error`). Data that is withheld leaves a note instead, whose path is returned.
   */
  async keep(name: string, data: string | Uint8Array, role = roleOf(name)): Promise<string | undefined> {
    const dir = this.directory()
    if (!dir) return undefined
    const path = join(dir, this.redactor.redact(name))
    const safe = redactData(data, this.redactor)
    const written = safe.withheld === undefined ? path : `${path}.withheld.txt`
    try {
      await writeFile(written, safe.withheld === undefined ? safe.data : withheldNote(safe.withheld))
    } catch (error) {
      this.fail(written, error)
      // A cut-short file is no record of anything, and it holds the space others need.
      rmSync(written, { force: true })
      return undefined
    }
    if (safe.withheld !== undefined) this.withhold(path, safe.withheld)
    return this.record(role, written)
  }

  /**
   * Keeps a folder (the sandbox's outputs) as `<role>/`: `copy` fills a scratch folder outside
   * the results dir, which is made safe there (text redacted, binary files with secrets
   * withheld) before it moves into the case directory, so nothing unredacted ever lands in the
   * results dir. An empty folder leaves nothing. Errors of `copy` are thrown; a results disk
   * that refuses the folder is recorded in `error`. Returns what `copy` returned.
   */
  async keepFolder<T>(role: string, copy: (target: string) => Promise<T>): Promise<T | undefined> {
    const dir = this.directory()
    if (!dir) return undefined
    const scratch = await mkdtemp(join(tmpdir(), 'evalbox-keep-'))
    try {
      const staged = join(scratch, role)
      const result = await copy(staged)
      if (!existsSync(staged) || (await readdir(staged)).length === 0) return result
      const withheld = await redactTree(staged, this.redactor)
      const target = join(dir, role)
      try {
        await move(staged, target)
      } catch (error) {
        this.fail(target, error)
        await rm(target, { recursive: true, force: true })
        return result
      }
      for (const file of withheld) this.withhold(join(target, relative(staged, file.path)), file.reason)
      this.record(role, target)
      return result
    } finally {
      await rm(scratch, { recursive: true, force: true })
    }
  }

  private withhold(absolutePath: string, reason: string): void {
    this.withheld.push({ path: relative(this.resultsDir, absolutePath), reason })
  }

  /** Records a file already written into the case directory. */
  record(role: string, absolutePath: string): string {
    const rel = relative(this.resultsDir, absolutePath)
    this.artifacts[role] = rel
    return rel
  }

  /**
   * Appends to `agent.log` (opened on first write), redacted as it streams; after a failed
   * write, drops the rest.
   */
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
      this.logRedactor = this.redactor.stream()
      this.record('log', path)
    }
    const text = this.logRedactor!.push(chunk)
    if (text) this.logStream.write(text)
  }

  /** Flushes and closes the log. Never throws. */
  async close(): Promise<void> {
    const stream = this.logStream
    if (!stream) return
    this.logStream = undefined
    const tail = this.logRedactor!.end()
    await new Promise<void>((resolve) => {
      stream.once('close', resolve)
      stream.end(tail)
    })
  }
}

/** Renames, or copies and removes when the two are on different file systems. */
async function move(from: string, to: string): Promise<void> {
  try {
    await rename(from, to)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error
    await cp(from, to, { recursive: true, verbatimSymlinks: true })
    await rm(from, { recursive: true, force: true })
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
