import { join } from 'node:path'
import type { EvalboxError } from '../core/errors.ts'
import { JOURNAL_DIR, Journal, type JournalRecord } from './journal.ts'
import { unwritableError } from './results-dir.ts'
import { buildRunFile, claimRunFile, type RunHeader, writeFileAtomic } from './run-file.ts'
import type { NotRunEntry, RunFile, TestEntry } from './schema.ts'
import { finishedBefore, removeWorkerJournals, withWorkerEntries } from './worker-journal.ts'

export interface RunWriterOptions {
  resultsDir: string
  header: RunHeader
  /** Minimum time between two rewrites of the readable partial files. @default 1000 */
  throttleMs?: number
}

interface TierState {
  /** The tier's run file, once claimed (created with its first content). */
  path: string | undefined
  tests: TestEntry[]
  notRun: NotRunEntry[]
}

/** A run file written to disk (unless the writer's `failure` says otherwise). */
export interface WrittenRun {
  tier: string
  path: string
  run: RunFile
}

/**
 * Writes one run's results: every finished test is appended to the journal at once; the
 * readable per-tier run files are rewritten atomically at most once per `throttleMs` while
 * the run goes on (marked `_partial`), and a last time when it ends.
 *
 * A write that fails (a full disk, a read-only mount) never throws: the writer keeps
 * everything in memory, keeps trying the later writes (a journal line needs little space),
 * and when the run ends sets `failure` to a clear error saying what was and was not saved,
 * so the summary can still be printed.
 */
export class RunWriter {
  readonly tiers = new Map<string, TierState>()
  /** Set when the run ends (or is interrupted) with results that could not be saved. */
  failure: EvalboxError | undefined
  /** When the run was told to stop (epoch ms); later outcomes are not trusted. */
  interruptedAt: number | undefined
  private journal: Journal | undefined
  /** The first write that failed. */
  private ioError: unknown
  /** Finished tests whose journal line was written. */
  private journaled = 0
  private readonly started = Date.now()
  private readonly throttleMs: number
  private lastPartial = 0
  private dirty = false
  private timer: NodeJS.Timeout | undefined
  /** The run ended: its last files are written, no partial may overwrite them. */
  private ended = false

  constructor(private readonly options: RunWriterOptions) {
    this.throttleMs = options.throttleMs ?? 1_000
    // Created at once, so a run killed before its first result can still be recovered.
    this.attempt(() => {
      this.journal = Journal.create(options.resultsDir, options.header)
    })
  }

  /** Records a finished test. */
  add(entry: TestEntry): void {
    this.tier(entry.tier).tests.push(entry)
    if (this.write({ t: 'test', e: entry })) this.journaled++
  }

  /** Records a test that did not run (skipped, todo, or cut off by the end of the run). */
  addNotRun(entry: NotRunEntry): void {
    this.tier(entry.tier).notRun.push(entry)
    this.write({ t: 'not_run', e: entry })
  }

  /** Gives these tiers a file even before any of their cases finished (an early interrupt). */
  openTiers(names: Iterable<string>): void {
    for (const name of names) this.tier(name)
  }

  /**
   * The run was told to stop (SIGINT/SIGTERM): from now on an outcome is kept only if the
   * case finished before this moment. Cases still running were cut off by the stop, and
   * evalbox's own cleanup may have removed their sandboxes under them.
   */
  markInterrupted(at = Date.now()): void {
    if (this.interruptedAt !== undefined) return
    this.interruptedAt = at
    this.write({ t: 'interrupted', at })
  }

  /** True when `entry` is an outcome to keep (it finished before any interrupt). */
  accepts(entry: TestEntry): boolean {
    return finishedBefore(entry, this.interruptedAt)
  }

  /**
   * Writes the partial files now, synchronously (used on SIGINT/SIGTERM, when there is no
   * time for anything asynchronous).
   */
  writePartials(reason: 'running' | 'interrupted'): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.dirty = false
    this.lastPartial = Date.now()
    // An interrupted run also takes the cases its workers finished but never reported.
    if (reason === 'interrupted') this.adoptWorkerEntries()
    this.attempt(() => this.journal?.sync())
    for (const [tier, state] of this.tiers) {
      this.save(tier, state, JSON.stringify(this.runFor(tier, state, { partial: true, reason })))
    }
    if (reason === 'interrupted') this.settle(false)
  }

  private adoptWorkerEntries(): void {
    const { resultsDir, header } = this.options
    const known = [...this.tiers.values()].flatMap((state) => state.tests)
    const all = withWorkerEntries(resultsDir, header.run_id, known, this.interruptedAt)
    for (const entry of all.slice(known.length)) this.add(entry)
  }

  /**
   * Ends the run. A completed run gets final files (no `_partial`) and its journal removed; an
   * interrupted one keeps partial files marked `interrupted`. A run whose final files could
   * not all be written keeps its journal, so `evalbox list` can recover it later.
   */
  finish(interrupted: boolean): WrittenRun[] {
    clearTimeout(this.timer)
    this.timer = undefined
    if (interrupted) {
      this.writePartials('interrupted')
      this.ended = true
      this.attempt(() => this.journal?.close(false))
      return [...this.tiers].map(([tier, state]) => ({
        tier,
        path: this.pathOf(tier, state),
        run: this.runFor(tier, state, { partial: true, reason: 'interrupted' }),
      }))
    }
    this.ended = true
    const written: WrittenRun[] = []
    let saved = true
    for (const [tier, state] of this.tiers) {
      const run = this.runFor(tier, state, { partial: false })
      saved = this.save(tier, state, `${JSON.stringify(run, null, 2)}\n`) && saved
      written.push({ tier, path: this.pathOf(tier, state), run })
    }
    if (saved) {
      // Every result is in the final files: an earlier failed write lost nothing.
      this.ioError = undefined
      this.attempt(() => this.journal?.close(true))
      this.attempt(() => removeWorkerJournals(this.options.resultsDir, this.options.header.run_id))
    } else {
      this.attempt(() => this.journal?.close(false))
    }
    this.settle(true)
    return written
  }

  private runFor(
    tier: string,
    state: TierState,
    partial: { partial: false } | { partial: true; reason: 'running' | 'interrupted' },
  ): RunFile {
    return buildRunFile(this.options.header, tier, state.tests, state.notRun, {
      ...partial,
      wallClockMs: Date.now() - this.started,
    })
  }

  private tier(name: string): TierState {
    let state = this.tiers.get(name)
    if (!state) {
      state = { path: undefined, tests: [], notRun: [] }
      this.tiers.set(name, state)
      const run = this.runFor(name, state, { partial: true, reason: 'running' })
      this.save(name, state, JSON.stringify(run))
    }
    return state
  }

  /** Writes a tier's file: claims its name with this content the first time. */
  private save(tier: string, state: TierState, text: string): boolean {
    return this.attempt(() => {
      if (state.path) {
        writeFileAtomic(state.path, text)
        return
      }
      state.path = claimRunFile(this.options.resultsDir, this.options.header, tier, text)
      this.write({ t: 'file', tier, path: state.path })
    })
  }

  /** Where a tier's file is, or would have been. */
  private pathOf(tier: string, state: TierState): string {
    return state.path ?? join(this.options.resultsDir, `${this.options.header.run_id}-${tier}.json`)
  }

  private write(record: JournalRecord): boolean {
    const ok = this.attempt(() => this.journal?.append(record))
    this.dirty = true
    this.schedulePartial()
    return ok
  }

  private schedulePartial(): void {
    if (this.timer || this.ended) return
    const wait = Math.max(0, this.lastPartial + this.throttleMs - Date.now())
    this.timer = setTimeout(() => {
      this.timer = undefined
      if (this.dirty && !this.ended) this.writePartials('running')
    }, wait)
    this.timer.unref()
  }

  /** Runs one write; a failure is remembered (the first one), never thrown. */
  private attempt(action: () => void): boolean {
    try {
      action()
      return true
    } catch (error) {
      this.ioError ??= error
      return false
    }
  }

  /** Turns a failed write into the run's `failure`, saying what is saved and where. */
  private settle(final: boolean): void {
    if (this.ioError === undefined) return
    const { resultsDir, header } = this.options
    const finished = [...this.tiers.values()].reduce((n, state) => n + state.tests.length, 0)
    const kept =
      this.journal && this.journaled > 0
        ? `at least ${this.journaled} of them ${this.journaled === 1 ? 'is' : 'are'} in the journal ${join(resultsDir, JOURNAL_DIR, `${header.run_id}.ndjson`)}; once the folder is writable, \`evalbox list --dir ${resultsDir}\` turns it into a partial run file.`
        : 'none of them could be saved.'
    const what = final ? 'the run files could not be written' : 'the partial run files could not be written'
    this.failure = unwritableError(
      resultsDir,
      this.ioError,
      `${what[0]!.toUpperCase()}${what.slice(1)}. The run's summary lists its ${finished} finished case${finished === 1 ? '' : 's'}; ${kept}`,
    )
  }
}
