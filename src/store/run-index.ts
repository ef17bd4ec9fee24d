import { createHash } from 'node:crypto'
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  type Stats,
  writeFileSync,
} from 'node:fs'
import { dirname, join } from 'node:path'

/**
 * A cache of run-file listings: `.evals/.index/runs.json` keeps each file's listing row with
 * the size, mtime and content hash it was read at, so that a listing reads only the files that
 * are new or changed since (a results directory kept across CI runs grows by one file a run,
 * and reading the header of every file is a pass over all of its bytes). A row is used while
 * its file's size and mtime are unchanged; when only the mtime moved (a CI cache restore, a
 * copy) the file's hash decides, and the row is kept if the content is the same. A missing,
 * stale or unreadable index costs one full listing and is then rewritten. Writing it is best effort: a read-only
 * results directory lists the slow way. It is a cache, never a source of truth.
 *
 * It also remembers which files passed the result schema whole (or were written by this
 * evalbox's own reporter), so that loading an unchanged file for a comparison does not check
 * every entry again: validating a 1,000-case file costs more than reading it.
 */

/** Inside the results dir, in a hidden folder: nothing that lists `*.json` there sees it. */
export const RUN_INDEX_FILE = join('.index', 'runs.json')
const INDEX_VERSION = 1

/** The part of a listing row that the file's own content decides (path and name are added). */
export type IndexedRow = Readonly<Record<string, unknown>>

interface IndexEntry {
  size: number
  mtimeMs: number
  /** SHA-1 of the file's bytes (hashing is many times faster than parsing). */
  sha1: string
  row?: IndexedRow
  /** The file passed the result schema, entries included, as it is now. */
  valid?: true
}

/** Rows by file name, checked against each file's `Stats` before use. */
export class RunIndex {
  private readonly entries: Map<string, IndexEntry>
  private readonly used = new Set<string>()
  private changed = false

  private constructor(
    private readonly dir: string,
    entries: Map<string, IndexEntry>,
  ) {
    this.entries = entries
  }

  static open(dir: string): RunIndex {
    const entries = new Map<string, IndexEntry>()
    try {
      const data = JSON.parse(readFileSync(join(dir, RUN_INDEX_FILE), 'utf8')) as {
        version?: unknown
        files?: Record<string, IndexEntry>
      }
      if (data.version === INDEX_VERSION && data.files && typeof data.files === 'object') {
        for (const [name, entry] of Object.entries(data.files)) {
          if (isEntry(entry)) entries.set(name, entry)
        }
      }
    } catch {
      // No index yet, or one this version cannot use: the listing reads every file once.
    }
    return new RunIndex(dir, entries)
  }

  /** The row kept for `name`, when the file is still as it was when the row was made. */
  get(name: string, stats: Stats): IndexedRow | undefined {
    this.used.add(name)
    return this.current(name, stats)?.row
  }

  /** True when `name` passed the result schema whole and has not changed since. */
  isValid(name: string, stats: Stats): boolean {
    this.used.add(name)
    return this.current(name, stats)?.valid === true
  }

  set(name: string, stats: Stats, row: IndexedRow, valid = false): void {
    this.used.add(name)
    const kept = this.current(name, stats)
    this.entries.set(name, {
      ...this.identity(name, stats, kept),
      row,
      ...((valid || kept?.valid) && { valid: true }),
    })
    this.changed = true
  }

  /** Records that `name`, as it is now, passed the result schema whole. */
  markValid(name: string, stats: Stats): void {
    this.used.add(name)
    const kept = this.current(name, stats)
    if (kept?.valid) return
    this.entries.set(name, { ...kept, ...this.identity(name, stats, kept), valid: true })
    this.changed = true
  }

  /** The entry of `name` if it still describes the file (`stats` are the file's now). */
  private current(name: string, stats: Stats): IndexEntry | undefined {
    const entry = this.entries.get(name)
    if (!entry || entry.size !== stats.size) return undefined
    if (entry.mtimeMs === stats.mtimeMs) return entry
    let sha1: string
    try {
      sha1 = this.hash(name)
    } catch {
      return undefined
    }
    if (sha1 !== entry.sha1) return undefined
    // Same bytes, new mtime (restored from a cache, copied): still the same file.
    entry.mtimeMs = stats.mtimeMs
    this.changed = true
    return entry
  }

  private identity(name: string, stats: Stats, kept: IndexEntry | undefined) {
    return { size: stats.size, mtimeMs: stats.mtimeMs, sha1: kept?.sha1 ?? this.hash(name) }
  }

  /** In chunks: a 200 MB run file is never held whole. */
  private hash(name: string): string {
    const hash = createHash('sha1')
    const fd = openSync(join(this.dir, name), 'r')
    try {
      const buffer = Buffer.allocUnsafe(1 << 20)
      for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) {
        hash.update(buffer.subarray(0, read))
      }
    } finally {
      closeSync(fd)
    }
    return hash.digest('hex')
  }

  /**
   * Writes the index when something was added (atomically; errors ignored). `prune`, after a
   * listing of the whole directory, drops the files that are gone.
   */
  save({ prune = false } = {}): void {
    for (const name of prune ? this.entries.keys() : []) {
      if (!this.used.has(name)) {
        this.entries.delete(name)
        this.changed = true
      }
    }
    if (!this.changed) return
    const path = join(this.dir, RUN_INDEX_FILE)
    const temp = `${path}.${process.pid}.tmp`
    try {
      mkdirSync(dirname(path), { recursive: true })
      writeFileSync(temp, JSON.stringify({ version: INDEX_VERSION, files: Object.fromEntries(this.entries) }))
      renameSync(temp, path)
      this.changed = false
    } catch {
      // A read-only or full results directory: the next listing reads the files again.
      rmSync(temp, { force: true })
    }
  }
}

function isEntry(value: unknown): value is IndexEntry {
  const entry = value as Partial<IndexEntry> | null
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.size === 'number' &&
    typeof entry.mtimeMs === 'number' &&
    typeof entry.sha1 === 'string' &&
    (entry.row === undefined || (typeof entry.row === 'object' && entry.row !== null))
  )
}
