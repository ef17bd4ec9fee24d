import { existsSync, readdirSync, rmSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { errorMessage } from '../core/errors.ts'
import { JOURNAL_DIR, readJournal } from './journal.ts'
import { buildRunFile, claimRunFile, writeFileAtomic } from './run-file.ts'
import { removeWorkerJournals, withWorkerEntries } from './worker-journal.ts'

/**
 * Turns the journals of runs that died (kill -9, a crash, a reboot) into readable partial
 * run files marked `interrupted`, with every test that finished — including cases a worker
 * finished but never got to report — then removes the journals. Journals of runs still alive
 * on this host are left alone.
 *
 * @returns the run files written
 */
export function recoverInterruptedRuns(
  resultsDir: string,
  warn: (message: string) => void = () => {},
  isAlive: (pid: number) => boolean = pidAlive,
): string[] {
  const dir = join(resultsDir, JOURNAL_DIR)
  if (!existsSync(dir)) return []
  const written: string[] = []
  for (const name of readdirSync(dir)) {
    const run = /^(.+)\.ndjson$/.exec(name)
    if (!run || /\.w\d+$/.test(run[1]!)) continue
    const path = join(dir, name)
    try {
      const journal = readJournal(path)
      if (!journal) {
        rmSync(path, { force: true })
        continue
      }
      const { header } = journal
      if (journal.pid === process.pid || (header.hostname === hostname() && isAlive(journal.pid))) continue
      // After an interrupt, a case that finished later was cut off by it: not its outcome.
      const tests = withWorkerEntries(resultsDir, header.run_id, journal.tests, journal.interruptedAt)
      const tiers = new Set([
        ...journal.files.keys(),
        ...tests.map((t) => t.tier),
        ...journal.notRun.map((t) => t.tier),
      ])
      for (const tier of tiers) {
        // The wall clock of a dead run is unknown; the file says so by leaving it out.
        const result = buildRunFile(
          header,
          tier,
          tests.filter((test) => test.tier === tier),
          journal.notRun.filter((test) => test.tier === tier),
          { partial: true, reason: 'interrupted', wallClockMs: Number.NaN },
        )
        const text = `${JSON.stringify(result, null, 2)}\n`
        const claimed = journal.files.get(tier)
        if (claimed) writeFileAtomic(claimed, text)
        written.push(claimed ?? claimRunFile(resultsDir, header, tier, text))
      }
      rmSync(path, { force: true })
      removeWorkerJournals(resultsDir, header.run_id)
    } catch (error) {
      warn(`Could not recover the interrupted run in ${path}: ${errorMessage(error)}`)
    }
  }
  return written
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
