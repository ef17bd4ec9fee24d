import { join } from 'node:path'
import { EvalboxError, errorMessage } from '../errors.ts'
import { Journal } from './journal.ts'
import { buildRunFile, claimRunFile, type RunHeader, writeFileAtomic } from './run-file.ts'
import type { NotRunEntry, RunFile, TestEntry } from './schema.ts'
import { removeWorkerJournals, withWorkerEntries } from './worker-journal.ts'

export interface RunWriterOptions {
  resultsDir: string
  header: RunHeader
  /** Minimum time between two rewrites of the readable partial files. @default 1000 */
  throttleMs?: number
}

interface TierState {
  path: string
  tests: TestEntry[]
  notRun: NotRunEntry[]
}

/** A run file written to disk. */
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
 * If the results dir cannot be written, the writer keeps everything in memory, remembers the
 * error (`failure`) and lets the run finish, so the summary can still be printed.
 */
export class RunWriter {
  readonly tiers = new Map<string, TierState>()
  failure: EvalboxError | undefined
  private journal: Journal | undefined
  private readonly started = Date.now()
  private readonly throttleMs: number
  private lastPartial = 0
  private dirty = false
  private timer: NodeJS.Timeout | undefined

  constructor(private readonly options: RunWriterOptions) {
    this.throttleMs = options.throttleMs ?? 1_000
    // Created at once, so a run killed before its first result can still be recovered.
    this.guard(() => {
      this.journal = Journal.create(options.resultsDir, options.header)
    })
  }

  /** Records a finished test. */
  add(entry: TestEntry): void {
    this.tier(entry.tier).tests.push(entry)
    this.write({ t: 'test', e: entry })
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
    this.guard(() => {
      this.journal?.sync()
      for (const [tier, state] of this.tiers) {
        writeFileAtomic(state.path, JSON.stringify(this.runFor(tier, state, { partial: true, reason })))
      }
    })
  }

  private adoptWorkerEntries(): void {
    const { resultsDir, header } = this.options
    const known = [...this.tiers.values()].flatMap((state) => state.tests)
    for (const entry of withWorkerEntries(resultsDir, header.run_id, known).slice(known.length))
      this.add(entry)
  }

  /**
   * Ends the run. A completed run gets final files (no `_partial`) and its journal removed; an
   * interrupted one keeps partial files marked `interrupted`.
   */
  finish(interrupted: boolean): WrittenRun[] {
    clearTimeout(this.timer)
    this.timer = undefined
    if (interrupted) {
      this.writePartials('interrupted')
      this.journal?.close(false)
      return [...this.tiers].map(([tier, state]) => ({
        tier,
        path: state.path,
        run: this.runFor(tier, state, { partial: true, reason: 'interrupted' }),
      }))
    }
    const written: WrittenRun[] = []
    for (const [tier, state] of this.tiers) {
      const run = this.runFor(tier, state, { partial: false })
      written.push({ tier, path: state.path, run })
      this.guard(() => writeFileAtomic(state.path, `${JSON.stringify(run, null, 2)}\n`))
    }
    if (!this.failure) {
      this.journal?.close(true)
      removeWorkerJournals(this.options.resultsDir, this.options.header.run_id)
    }
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
      state = { path: this.claimFile(name), tests: [], notRun: [] }
      this.tiers.set(name, state)
      this.write({ t: 'file', tier: name, path: state.path })
    }
    return state
  }

  private claimFile(tier: string): string {
    const { header, resultsDir } = this.options
    if (!this.failure) {
      try {
        return claimRunFile(resultsDir, header, tier)
      } catch (error) {
        this.fail(error)
      }
    }
    return join(resultsDir, `${header.run_id}-${tier}.json`)
  }

  private write(record: Parameters<Journal['append']>[0]): void {
    this.guard(() => this.journal?.append(record))
    this.dirty = true
    this.schedulePartial()
  }

  private schedulePartial(): void {
    if (this.timer || this.failure) return
    const wait = Math.max(0, this.lastPartial + this.throttleMs - Date.now())
    this.timer = setTimeout(() => {
      this.timer = undefined
      if (this.dirty) this.writePartials('running')
    }, wait)
    this.timer.unref()
  }

  private guard(action: () => void): void {
    if (this.failure) return
    try {
      action()
    } catch (error) {
      this.fail(error)
    }
  }

  private fail(error: unknown): void {
    const code = (error as NodeJS.ErrnoException).code
    this.failure = new EvalboxError(
      'RESULTS_DIR_UNWRITABLE',
      `Cannot write eval results to ${this.options.resultsDir} (${code ?? errorMessage(error)}). ` +
        'Results of this run are printed below but not saved. Point EVALBOX_DIR or ' +
        "evalsProject({ resultsDir }) at a writable folder, or fix the folder's permissions.",
      { cause: error },
    )
  }
}
