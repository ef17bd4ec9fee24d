import { createHash } from 'node:crypto'
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'

/**
 * The files kept for one case, in `runs/<runId>/<case>/` under the results directory.
 * Nothing touches the disk until something is kept; without a run dir (helpers used
 * outside an evals project) nothing is kept at all.
 */
export class CaseFiles {
  /** Kept files by role, relative to the results directory. */
  readonly artifacts: Record<string, string> = {}
  private dir: string | undefined
  private logStream: WriteStream | undefined

  constructor(
    private readonly resultsDir: string,
    private readonly runDir: string,
    private readonly caseKey: string,
  ) {}

  /** True when files can be kept for this case. */
  get enabled(): boolean {
    return this.runDir !== ''
  }

  /** The case's directory (created on first call), or undefined without a run dir. */
  directory(): string | undefined {
    if (!this.enabled) return undefined
    if (!this.dir) {
      this.dir = join(this.runDir, caseSlug(this.caseKey))
      mkdirSync(this.dir, { recursive: true })
    }
    return this.dir
  }

  /** The case directory relative to the results dir, once it exists. */
  get relativeDir(): string | undefined {
    return this.dir ? relative(this.resultsDir, this.dir) : undefined
  }

  /** Writes `name` into the case directory; returns its path relative to the results dir. */
  async keep(name: string, data: string | Uint8Array, role = roleOf(name)): Promise<string | undefined> {
    const dir = this.directory()
    if (!dir) return undefined
    const path = join(dir, name)
    await writeFile(path, data)
    return this.record(role, path)
  }

  /** Records a file already written into the case directory. */
  record(role: string, absolutePath: string): string {
    const rel = relative(this.resultsDir, absolutePath)
    this.artifacts[role] = rel
    return rel
  }

  /** Appends to `agent.log` (opened on first write). */
  log(chunk: string | Uint8Array): void {
    if (!this.logStream) {
      const dir = this.directory()
      if (!dir) return
      const path = join(dir, 'agent.log')
      this.logStream = createWriteStream(path)
      this.record('log', path)
    }
    this.logStream.write(chunk)
  }

  /** Flushes and closes the log. */
  async close(): Promise<void> {
    const stream = this.logStream
    if (!stream) return
    this.logStream = undefined
    await new Promise<void>((resolve) => stream.end(resolve))
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
