import { closeSync, fdatasyncSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
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

/**
 * The append-only record of a run in progress: one NDJSON line per finished test, so saving
 * after every test costs the same at test 10,000 as at test 1. Synced to disk in batches;
 * removed once the final run files are written.
 */
export class Journal {
  private constructor(
    readonly path: string,
    private fd: number | undefined,
  ) {}

  /** Creates the journal of a run and writes its header. */
  static create(resultsDir: string, header: RunHeader): Journal {
    const dir = join(resultsDir, JOURNAL_DIR)
    mkdirSync(dir, { recursive: true })
    const path = join(dir, `${header.run_id}.ndjson`)
    const journal = new Journal(path, openSync(path, 'a'))
    journal.append({ t: 'run', header, pid: process.pid })
    return journal
  }

  /** Appends one record; returns the JSON of its payload for reuse. */
  append(record: JournalRecord): void {
    if (this.fd === undefined) return
    writeSync(this.fd, `${JSON.stringify(record)}\n`)
  }

  /** Makes what was appended durable. */
  sync(): void {
    if (this.fd !== undefined) fdatasyncSync(this.fd)
  }

  /** Closes the journal; `remove` deletes it (the run's files are final). */
  close(remove: boolean): void {
    if (this.fd !== undefined) {
      closeSync(this.fd)
      this.fd = undefined
    }
    if (remove) rmSync(this.path, { force: true })
  }
}

/** What a journal holds. A torn last line (a crash mid-write) is ignored. */
export interface JournalContents {
  header: RunHeader
  pid: number
  files: Map<string, string>
  tests: TestEntry[]
  notRun: NotRunEntry[]
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
  }
  return contents
}
