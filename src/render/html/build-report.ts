import { dirname, resolve } from 'node:path'
import { describeValue, EvalboxError } from '../../core/errors.ts'
import { findBaseline } from '../../store/baseline.ts'
import { listRuns, loadRunFile, type RunSummary, summarize } from '../../store/read-results.ts'
import type { RunFile, TestEntry } from '../../store/schema.ts'
import { caseDetail, type DetailLimits, detailSize } from './case-detail.ts'
import { previousOf, reportComparison } from './default-comparison.ts'
import { runView } from './run-view.ts'
import type { ReportData, ReportRun } from './types.ts'

/** Options for {@link buildReport}. */
export interface BuildReportOptions {
  /** Only runs of this tier. @default every tier */
  tier?: string
  /** How many of the newest runs to include. @default 30 */
  runs?: number
  /**
   * The two runs the side-by-side view opens with, earlier first: paths, or file names in the
   * results directory. They are included even when older than the newest `runs`.
   * @default the newest run and its previous finalized run of the same tier
   */
  compare?: [string, string]
  /** Cap on each embedded output, patch and error, in bytes. @default 200_000 */
  maxTextBytes?: number
  /**
   * Budget for case details across runs, in bytes; runs past it (oldest first) keep their
   * table rows but not their details. The compared pair is always embedded.
   * @default 25_000_000
   */
  maxDetailBytes?: number
  /** Called once per unusable file in the results directory. @default ignore */
  warn?: (message: string) => void
  /** Clock for `generatedAt`. @default () => new Date() */
  now?: () => Date
}

interface Loaded {
  summary: RunSummary
  run: RunFile
  view: ReportRun
  tests: Map<string, TestEntry>
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < 1) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `Expected \`${name}\` to be a positive integer, got ${describeValue(value)}.`,
    )
  }
  return value
}

function load(summary: RunSummary, warn: (message: string) => void): Loaded {
  // An invalid entry is left out of the page (with a warning), not the whole report.
  const run = loadRunFile(summary.path, { warn })
  const { view, tests } = runView(summary.file, run)
  return { summary, run, view, tests }
}

/** A compared run named by the caller: one already listed, or a file from elsewhere. */
function named(
  dir: string,
  file: string,
  listed: readonly RunSummary[],
  warn: (message: string) => void,
): RunSummary {
  const path = resolve(dir, file)
  const found = listed.find((s) => s.path === path)
  if (found) return found
  // A file from elsewhere may share a name with a listed run; its path keeps it apart.
  const summary = summarize(path, loadRunFile(path, { warn }))
  return listed.some((s) => s.file === summary.file) ? { ...summary, file: path } : summary
}

function attachDetails(loaded: Loaded, limits: DetailLimits): number {
  // Kept files are recorded relative to the results directory the run file lives in.
  const base = dirname(loaded.summary.path)
  let size = 0
  for (const row of loaded.view.cases) {
    const test = loaded.tests.get(row.key)
    const why = `This case did not run (${row.status.toLowerCase()}${row.reason ? `: ${row.reason}` : ''}).`
    row.detail = test
      ? caseDetail(base, test, limits)
      : { output: null, error: null, grades: [], toolCalls: null, patch: null, notes: [why] }
    size += detailSize(row.detail)
  }
  return size
}

/**
 * Reads the results directory into the data of `evalbox report`: the newest runs (of one
 * tier, if given) with their case tables, trend numbers, and per-case details (output,
 * grades, tool calls from the kept transcript, the kept patch) for the side-by-side view.
 * Kept files that are missing become notes on the case.
 *
 * @throws {EvalboxError} `NO_RESULTS` when there are no runs (of the tier), or a `compare`
 *   file does not exist; `RESULT_FILE_INVALID` when a `compare` file is not a valid run
 *   file; `INVALID_OPTIONS` for a bad `runs` or size limit.
 */
export function buildReport(dir: string, options: BuildReportOptions = {}): ReportData {
  const root = resolve(dir)
  const limit = positiveInt('runs', options.runs, 30)
  const maxTextBytes = positiveInt('maxTextBytes', options.maxTextBytes, 200_000)
  const maxDetailBytes = positiveInt('maxDetailBytes', options.maxDetailBytes, 25_000_000)
  const limits: DetailLimits = { maxTextBytes, maxTranscriptBytes: 32_000_000, maxToolCalls: 2_000 }
  const warnings: string[] = []
  const warn = (message: string) => {
    warnings.push(message)
    options.warn?.(message)
  }
  const listed = listRuns(root, { warn }).filter((s) => !options.tier || s.tier === options.tier)

  const pair = options.compare?.map((file) => named(root, file, listed, warn))
  const chosen = listed.slice(0, limit)
  for (const summary of pair ?? []) if (!chosen.some((s) => s.path === summary.path)) chosen.push(summary)
  if (chosen.length === 0) {
    const what = options.tier ? `no ${options.tier} runs` : 'no runs'
    throw new EvalboxError(
      'NO_RESULTS',
      `${root} has ${what}. Run the evals first (npx vitest run --project evals), or point --dir or EVALBOX_DIR at the results directory.`,
    )
  }
  const loaded = chosen.map((summary) => load(summary, warn))
  const byPath = new Map(loaded.map((l) => [l.summary.path, l]))

  const after = pair ? byPath.get(pair[1]!.path)! : loaded[0]!
  const beforeSummary = pair ? pair[0] : previousOf(after.summary, listed)
  const before = beforeSummary ? (byPath.get(beforeSummary.path) ?? load(beforeSummary, warn)) : undefined
  // Two runs named: exactly those. Else each case against the last run that ran it.
  const baseline = pair
    ? undefined
    : findBaseline(listed, after.run, { exclude: [after.summary.path], warn })?.run
  if (before && !byPath.has(before.summary.path)) {
    loaded.push(before)
    byPath.set(before.summary.path, before)
  }

  // The compared pair first, so the view that opens is never left without details.
  const order = [after, ...(before ? [before] : []), ...loaded.filter((l) => l !== after && l !== before)]
  let used = 0
  const pinned = before ? 2 : 1
  for (const [i, l] of order.entries()) {
    if (i >= pinned && used >= maxDetailBytes) {
      l.view.detailsOmitted = true
      continue
    }
    used += attachDetails(l, limits)
  }

  // Newest first, as `listRuns` orders them: the picker takes the first candidate.
  loaded.sort((a, b) => time(b.view) - time(a.view) || (b.view.file < a.view.file ? -1 : 1))
  const inPage = loaded.map((l) => l.summary)
  for (const l of loaded) l.view.previous = previousOf(l.summary, inPage)?.file ?? null
  const runs = loaded.map((l) => l.view)
  return {
    dir: root,
    generatedAt: (options.now?.() ?? new Date()).toISOString(),
    tier: options.tier ?? null,
    runs,
    selected: after.view.file,
    comparison: reportComparison(after, before, baseline),
    warnings,
    maxTextBytes,
  }
}

function time(run: ReportRun): number {
  const ms = Date.parse(run.timestamp)
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms
}
