import { closeSync, fdatasyncSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { makeDir } from './results-dir.ts'
import type { RunHeader } from './run-file.ts'
import type { NotRunEntry, TestEntry } from './schema.ts'

/** Folder of the journals, inside the results dir. Hidden: result listings skip it. */
export const JOURNAL_DIR = '.journal'

/** One line of a journal. */
export type JournalRecord =
  | { t: 'run'; header: RunHeader; pid: number }
  | { t: 'file'; tier: string; path: string }
  | { t: 'test'; e: TestEntry }
  | { t: 'not_run'; e: NotRunEntry }
  /** The run was told to stop (SIGINT/SIGTERM) at `at` (epoch ms). */
  | { t: 'interrupted'; at: number }

/**
 * A file of NDJSON lines, appended to only. A write that fails half-way (a full disk) leaves a
 * torn line; the next line then starts on a line of its own, so readers lose only the torn
 * one. Writes are whole (a short write is continued), never silently cut.
 */
export class LineFile {
  private torn = false

  constructor(readonly fd: number) {}

  /** Opens `path` for appending, creating its folder. */
  static open(path: string): LineFile {
    makeDir(join(path, '..'))
    return new LineFile(openSync(path, 'a'))
  }

  /** Appends one line. @throws the write's error (ENOSPC...) */
  append(line: string): void {
    const text = `${this.torn ? '\n' : ''}${line}\n`
    this.torn = true
    writeFileSync(this.fd, text)
    this.torn = false
  }
}

/**
 * The append-only record of a run in progress: one NDJSON line per finished test, so saving
 * after every test costs the same at test 10,000 as at test 1. Synced to disk in batches;
 * removed once the final run files are written.
 */
export class Journal {
  private constructor(
    readonly path: string,
    private file: LineFile | undefined,
  ) {}

  /** Creates the journal of a run and writes its header. @throws when the dir is unwritable */
  static create(resultsDir: string, header: RunHeader): Journal {
    const path = join(resultsDir, JOURNAL_DIR, `${header.run_id}.ndjson`)
    const journal = new Journal(path, LineFile.open(path))
    journal.append({ t: 'run', header, pid: process.pid })
    return journal
  }

  /** Appends one record. @throws the write's error */
  append(record: JournalRecord): void {
    this.file?.append(JSON.stringify(record))
  }

  /** Makes what was appended durable. */
  sync(): void {
    if (this.file) fdatasyncSync(this.file.fd)
  }

  /** Closes the journal; `remove` deletes it (the run's files are final). */
  close(remove: boolean): void {
    if (this.file) {
      closeSync(this.file.fd)
      this.file = undefined
    }
    if (remove) rmSync(this.path, { force: true })
  }
}

/** What a journal holds. A torn line (a crash or a full disk mid-write) is skipped. */
export interface JournalContents {
  header: RunHeader
  pid: number
  files: Map<string, string>
  tests: TestEntry[]
  notRun: NotRunEntry[]
  /** When the run was told to stop (epoch ms), if it was. */
  interruptedAt?: number
}

/** Reads a journal back; undefined when it has no header. */
export function readJournal(path: string): JournalContents | undefined {
  const lines = readFileSync(path, 'utf8').split('\n')
  let contents: JournalContents | undefined
  for (const line of lines) {
    if (!line) continue
    let record: JournalRecord
    try {
      record = JSON.parse(line) as JournalRecord
    } catch {
      continue
    }
    if (record.t === 'run') {
      contents = { header: record.header, pid: record.pid, files: new Map(), tests: [], notRun: [] }
    } else if (!contents) {
    } else if (record.t === 'file') contents.files.set(record.tier, record.path)
    else if (record.t === 'test') contents.tests.push(record.e)
    else if (record.t === 'not_run') contents.notRun.push(record.e)
    else if (record.t === 'interrupted') contents.interruptedAt ??= record.at
  }
  return contents
}
