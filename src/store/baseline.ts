import { errorMessage } from '../core/errors.ts'
import { loadRunFile, type RunSummary } from './read-results.ts'
import type { RunFile, TestEntry } from './schema.ts'

/** One earlier run a baseline took cases from. */
export interface BaselineSource {
  /** Absolute path of the run file. */
  path: string
  /** File name within the results directory. */
  file: string
  timestamp: string
  branch: string
  git_sha: string
  /** The run ran part of the suite (its `filter` is set). */
  filtered: boolean
  /** Cases of the baseline taken from this run. */
  cases: number
}

/** What each case of a run is compared with: see {@link findBaseline}. */
export interface Baseline {
  /**
   * The baseline as one run file: for each case, its entries from the last run that ran it,
   * plus (for a full run) the cases of the last full run that are gone now. Its run-level
   * fields are those of the newest run it took cases from; its totals are over its own tests.
   */
  run: RunFile
  /** The newest run the baseline took cases from: it stands for the baseline in messages. */
  path: string
  /** The runs the cases came from, newest first. */
  sources: BaselineSource[]
  /** The file (name within the results directory) each case's entry came from, by case key. */
  caseSources: Record<string, string>
  /** True when the cases came from more than one run. */
  composite: boolean
  /**
   * Cases of the suite as far as the runs read know it: the current run's (ran or listed as
   * not run) and those of the last full run. For "2 of 13 cases".
   */
  suiteCases: number
}

/** Options for {@link findBaseline}. */
export interface FindBaselineOptions {
  /** Files never used (typically the current run), as absolute paths. */
  exclude?: readonly string[]
  /**
   * Run files read at most. The walk stops sooner when every case has its last run and a
   * full run was read.
   * @default 20
   */
  maxRuns?: number
  /** Hears about a file that could not be read (passed over) and invalid entries (skipped). */
  warn?: (message: string) => void
}

/**
 * The identity of a case across runs, which its repeats share: `suite › case_name` (else the
 * test name), or the name alone when the suite is empty.
 */
export function caseKey(test: { suite: string; name: string; case_name?: string | undefined }): string {
  const name = test.case_name ?? test.name
  return test.suite ? `${test.suite} › ${name}` : name
}

/** True when the run ran only part of the suite. Files without a `filter` are unfiltered. */
export function isFiltered(run: Pick<RunFile, 'filter'>): boolean {
  return run.filter !== undefined
}

export const DEFAULT_MAX_BASELINE_RUNS = 20

/**
 * What `current` is compared with: each of its cases against **the last run that ran that
 * case**, not the last file. Walks the finalized, unsharded runs of the tier older than
 * `current` (of its branch first, newest first, then of other branches), loading only as many
 * as needed, and takes each case's entries from the newest run that has them. A filtered run
 * (`-t`, file filters) thus stands only for the cases it ran.
 *
 * Cases of `current` that no run read has are left out (the comparison calls them added). When
 * `current` is a full run, the cases of the last full run that it no longer has are kept, so
 * they show as removed; a filtered or partial `current` never reports the rest as removed.
 * Returns `undefined` when no earlier run has any of the cases (and no full run is there).
 *
 * `runs` are summaries already listed (see `listRuns`), newest first.
 */
export function findBaseline(
  runs: readonly RunSummary[],
  current: RunFile,
  options: FindBaselineOptions = {},
): Baseline | undefined {
  const excluded = new Set(options.exclude ?? [])
  const limit = Date.parse(current.timestamp)
  const candidates = runs.filter(
    (run) =>
      !run.partial &&
      // One shard holds part of a run: never a baseline (merge shards first).
      !run.shard &&
      run.tier === current.tier &&
      !excluded.has(run.path) &&
      (Number.isNaN(limit) || Date.parse(run.timestamp) < limit),
  )
  const ordered = [
    ...candidates.filter((run) => run.branch === current.branch),
    ...candidates.filter((run) => run.branch !== current.branch),
  ]

  const wanted = new Set([...current.tests, ...(current.not_run ?? [])].map(caseKey))
  const missing = new Set(wanted)
  const full = !isFiltered(current) && current._partial !== true
  const taken: Array<{ summary: RunSummary; run: RunFile; keys: Set<string> }> = []
  let lastFull: { summary: RunSummary; run: RunFile } | undefined
  let read = 0
  const maxRuns = options.maxRuns ?? DEFAULT_MAX_BASELINE_RUNS
  for (const summary of ordered) {
    if (read >= maxRuns || (missing.size === 0 && lastFull)) break
    read++
    let run: RunFile
    try {
      run = loadRunFile(summary.path, { warn: options.warn ?? (() => {}), slim: true })
    } catch (error) {
      options.warn?.(`passed over ${summary.file} as a baseline run: ${errorMessage(error)}`)
      continue
    }
    const keys = new Set<string>()
    for (const test of run.tests) {
      const key = caseKey(test)
      if (missing.has(key)) keys.add(key)
    }
    for (const key of keys) missing.delete(key)
    if (!lastFull && !isFiltered(run)) lastFull = { summary, run }
    if (keys.size > 0) taken.push({ summary, run, keys })
  }

  const tests: TestEntry[] = []
  const caseSources: Record<string, string> = {}
  for (const { summary, run, keys } of taken) {
    for (const test of run.tests) if (keys.has(caseKey(test))) tests.push(test)
    for (const key of keys) caseSources[key] = summary.file
  }
  const gone = lastFull ? lastFull.run.tests.filter((test) => !wanted.has(caseKey(test))) : []
  if (full) tests.push(...gone)
  if (tests.length === 0) return undefined

  // No case of `current` ran before, but the last full run's cases are gone: that run stands.
  const newest = (taken[0] ?? lastFull)!
  const sources: BaselineSource[] = taken.map(({ summary, run, keys }) => ({
    path: summary.path,
    file: summary.file,
    timestamp: run.timestamp,
    branch: run.branch,
    git_sha: run.git_sha,
    filtered: isFiltered(run),
    cases: keys.size,
  }))
  return {
    run: asRun(newest.run, tests),
    path: newest.summary.path,
    sources,
    caseSources,
    composite: sources.length > 1,
    suiteCases: wanted.size + new Set(gone.map(caseKey)).size,
  }
}

/** `header`'s run-level fields over `tests`, with the totals derived from them. */
function asRun(header: RunFile, tests: TestEntry[]): RunFile {
  const { _partial, partial_reason, not_run, skipped, filter, wall_clock_ms, ...rest } = header
  let passed = 0
  let cost = 0
  let duration = 0
  for (const test of tests) {
    if (test.passed) passed++
    cost += test.cost_usd
    duration += test.duration_ms
  }
  return {
    ...rest,
    tests,
    total_tests: tests.length,
    passed,
    failed: tests.length - passed,
    total_cost_usd: Math.round(cost * 1e6) / 1e6,
    total_duration_ms: Math.round(duration),
    not_run: [],
    skipped: 0,
  }
}
