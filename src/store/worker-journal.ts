import { closeSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { JOURNAL_DIR, LineFile } from './journal.ts'
import type { TestEntry } from './schema.ts'

/**
 * Workers also append each finished case to a journal of their own. Vitest sends results
 * from a worker to the main process on a 100 ms throttle that can stall until the worker's
 * next test event (with long agent runs, minutes), so a result may not have reached the
 * reporter when the run is killed. These journals are read only to recover such runs; the
 * reporter's journal stays the record of a healthy run.
 */
let open: { key: string; file: LineFile; lines: string[] } | undefined
let flushing: NodeJS.Immediate | undefined
let exitHooked = false

function workerJournalPath(resultsDir: string, runId: string, pid = process.pid): string {
  return join(resultsDir, JOURNAL_DIR, `${runId}.w${pid}.ndjson`)
}

/**
 * Appends a finished case to a file kept open for the run (a worker serves one run at a
 * time). The cases that finish in one turn of the event loop go in one write, made at the end
 * of that turn (or at exit): a case is on disk long before Vitest's throttled report of it
 * could reach the reporter. Never throws: durability is best effort.
 */
export function appendWorkerEntry(resultsDir: string, runId: string, entry: TestEntry): void {
  try {
    const key = `${resultsDir}\0${runId}`
    if (open?.key !== key) {
      flushWorkerJournal()
      if (open) closeSync(open.file.fd)
      open = undefined
      open = { key, file: LineFile.open(workerJournalPath(resultsDir, runId)), lines: [] }
      if (!exitHooked) process.once('exit', flushWorkerJournal)
      exitHooked = true
    }
    open.lines.push(JSON.stringify(entry))
    flushing ??= setImmediate(flushWorkerJournal)
  } catch {
    // The reporter reports an unwritable results dir; a worker has nobody to tell.
  }
}

/** Writes the cases appended since the last write. */
export function flushWorkerJournal(): void {
  if (flushing) clearImmediate(flushing)
  flushing = undefined
  if (!open || open.lines.length === 0) return
  const text = open.lines.join('\n')
  open.lines = []
  try {
    open.file.append(text)
  } catch {
    // As above: best effort.
  }
}

/** The worker journals of a run. */
export function workerJournals(resultsDir: string, runId: string): string[] {
  const dir = join(resultsDir, JOURNAL_DIR)
  try {
    return readdirSync(dir)
      .filter((name) => name.startsWith(`${runId}.w`) && name.endsWith('.ndjson'))
      .map((name) => join(dir, name))
  } catch {
    return []
  }
}

/** Every case the workers of a run finished, the last attempt per test id. */
export function readWorkerEntries(resultsDir: string, runId: string): TestEntry[] {
  const byId = new Map<string, TestEntry>()
  for (const path of workerJournals(resultsDir, runId)) {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line) continue
      try {
        const entry = JSON.parse(line) as TestEntry
        byId.set(entry.id ?? `${entry.suite} ${entry.name}`, entry)
      } catch {
        // A torn last line from a killed worker.
      }
    }
  }
  return [...byId.values()]
}

/** Removes a run's worker journals (its results are final). */
export function removeWorkerJournals(resultsDir: string, runId: string): void {
  for (const path of workerJournals(resultsDir, runId)) rmSync(path, { force: true })
}

/**
 * True when a case finished before `at` (epoch ms): its start plus its duration. A case still
 * running when the run was told to stop was cut off by the stop (its sandbox removed by
 * evalbox's own cleanup), so its outcome is not the agent's.
 */
export function finishedBefore(entry: TestEntry, at: number | undefined): boolean {
  if (at === undefined) return true
  const started = entry.started_at === undefined ? Number.NaN : Date.parse(entry.started_at)
  return Number.isFinite(started) && started + entry.duration_ms <= at
}

/**
 * Adds the worker-journal cases the reporter never received; after an interrupt at
 * `interruptedAt`, only those that finished before it.
 */
export function withWorkerEntries(
  resultsDir: string,
  runId: string,
  known: readonly TestEntry[],
  interruptedAt?: number,
): TestEntry[] {
  const seen = new Set(known.map((entry) => entry.id))
  const missing = readWorkerEntries(resultsDir, runId).filter(
    (entry) => !seen.has(entry.id) && finishedBefore(entry, interruptedAt),
  )
  return missing.length > 0 ? [...known, ...missing] : [...known]
}
