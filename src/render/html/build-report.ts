import { dirname, resolve } from 'node:path'
import { describeValue, EvalboxError } from '../../core/errors.ts'
import { findBaseline } from '../../store/baseline.ts'
import {
  listRuns,
  loadRunFile,
  type RunSummary,
  type SizedTestEntry,
  summarize,
} from '../../store/read-results.ts'
import type { RunFile } from '../../store/schema.ts'
import { caseDetail, type DetailLimits, detailSize } from './case-detail.ts'
import { previousOf, reportComparison } from './default-comparison.ts'
import { runView } from './run-view.ts'
import type { CaseDetail, ReportCase, ReportData, ReportRun } from './types.ts'

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
   * Budget for case details across runs, in bytes (roughly: the text of outputs, errors,
   * grades, tool calls and patches). The compared pair spends it first: the case the page
   * opens on (always embedded), then the cases that changed, then the failing ones, then the
   * rest; then the other runs, newest first. Cases past it keep their table rows but not
   * their details, and the page says so.
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
  tests: Map<string, SizedTestEntry>
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

// Read without outputs, prompts or transcripts (their sizes kept, for the detail budget): the
// page embeds those of the cases it has room for, read again in `fullTests`.
const SIZES_ONLY = { pick: () => false, maxChars: 0 }

function load(summary: RunSummary, warn: (message: string) => void): Loaded {
  // An invalid entry is left out of the page (with a warning), not the whole report.
  const run = loadRunFile(summary.path, { warn, slim: true, outputs: SIZES_ONLY })
  const { view, tests } = runView(summary.file, run)
  return { summary, run, view, tests }
}

/** The entries of `keys` in `loaded`'s file, read again with their outputs cut to `maxChars`. */
function fullTests(loaded: Loaded, keys: ReadonlySet<string>, maxChars: number): Map<string, SizedTestEntry> {
  const ids = new Set([...keys].map((key) => id(loaded.tests.get(key)!)))
  const pick = (entry: Readonly<Record<string, unknown>>) => ids.has(id(entry))
  // Its invalid entries were reported by `load`. Every entry of a picked suite and name is
  // read, so the keys (`#2` for a repeat) come out as in `load`.
  const outputs = { pick, maxChars, onlyPicked: true }
  const { tests } = runView(
    loaded.summary.file,
    loadRunFile(loaded.summary.path, { warn: () => {}, slim: true, outputs }),
  )
  return new Map([...keys].flatMap((key) => (tests.has(key) ? [[key, tests.get(key)!]] : [])))
}

function id(entry: Readonly<Record<string, unknown>>): string {
  return JSON.stringify([entry.suite, entry.name])
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
  const summary = summarize(path, loadRunFile(path, { warn, slim: true }))
  return listed.some((s) => s.file === summary.file) ? { ...summary, file: path } : summary
}

/** One case of one run that may get its details embedded. */
interface Slot {
  loaded: Loaded
  row: ReportCase
  /** Embedded whatever the budget: the case the page opens on. */
  pinned: boolean
}

/**
 * The cases in the order they spend the detail budget: the compared pair's case by case (the
 * opening case, then changed, then failing, then the rest, each with both runs side by side),
 * then the other runs' in table order.
 */
function slots(
  pair: Loaded[],
  others: Loaded[],
  caseKey: string | null,
  changed: ReadonlySet<string>,
): Slot[] {
  const keys = [...new Set(pair.flatMap((l) => l.view.cases.map((c) => c.key)))]
  const rows = pair.map((l) => new Map(l.view.cases.map((c) => [c.key, c])))
  const rank = (key: string) => {
    if (key === caseKey) return 0
    if (changed.has(key)) return 1
    return rows.some((r) => r.get(key)?.status === 'FAIL') ? 2 : 3
  }
  const ranked = keys.map((key) => ({ key, rank: rank(key) })).sort((a, b) => a.rank - b.rank)
  const first = ranked.flatMap(({ key, rank }) =>
    pair.flatMap((loaded, i) => {
      const row = rows[i]!.get(key)
      return row ? [{ loaded, row, pinned: rank === 0 }] : []
    }),
  )
  return [
    ...first,
    ...others.flatMap((loaded) => loaded.view.cases.map((row) => ({ loaded, row, pinned: false }))),
  ]
}

/** Roughly what a case's details will add, before its kept files and full output are read. */
function estimate(test: SizedTestEntry | undefined, maxTextBytes: number): number {
  if (!test) return 0
  let size = Math.min(test.output_bytes ?? 0, maxTextBytes) + Math.min(test.error?.length ?? 0, maxTextBytes)
  for (const grade of test.grades ?? []) size += grade.name.length + (grade.explanation?.length ?? 0)
  return size
}

function notRunDetail(row: ReportCase): CaseDetail {
  const why = `This case did not run (${row.status.toLowerCase()}${row.reason ? `: ${row.reason}` : ''}).`
  return { output: null, error: null, grades: [], toolCalls: null, patch: null, notes: [why] }
}

/**
 * Embeds the details of the cases that fit in `maxDetailBytes`, in the order of `order`; the
 * rest keep no `detail`, and a run left with none is marked `detailsOmitted`. Only the chosen
 * cases' outputs are read (again) from their files, so memory follows the budget, not the runs.
 */
function attachDetails(order: readonly Slot[], limits: DetailLimits, maxDetailBytes: number): void {
  // Choose by estimate, so only what may be embedded is read in full.
  const chosen: Slot[] = []
  let estimated = 0
  for (const slot of order) {
    if (!slot.pinned && estimated >= maxDetailBytes) break
    chosen.push(slot)
    estimated += estimate(slot.loaded.tests.get(slot.row.key), limits.maxTextBytes) + 100
  }
  const keysByRun = new Map<Loaded, Set<string>>()
  for (const { loaded, row } of chosen) {
    if (!loaded.tests.has(row.key)) continue
    const keys = keysByRun.get(loaded) ?? new Set()
    keysByRun.set(loaded, keys.add(row.key))
  }
  const full = new Map([...keysByRun].map(([l, keys]) => [l, fullTests(l, keys, limits.maxTextBytes)]))
  let used = 0
  for (const { loaded, row, pinned } of chosen) {
    if (!pinned && used >= maxDetailBytes) break
    // Kept files are recorded relative to the results directory the run file lives in.
    const test = full.get(loaded)?.get(row.key)
    row.detail = test ? caseDetail(dirname(loaded.summary.path), test, limits) : notRunDetail(row)
    used += detailSize(row.detail)
  }
  for (const loaded of new Set(order.map((s) => s.loaded)))
    loaded.view.detailsOmitted = !loaded.view.cases.some((c) => c.detail)
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

  const { comparison, changed } = reportComparison(after, before, baseline)
  const shown = before ? [after, before] : [after]
  const others = loaded.filter((l) => !shown.includes(l))
  attachDetails(slots(shown, others, comparison.caseKey, changed), limits, maxDetailBytes)

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
    comparison,
    warnings,
    maxTextBytes,
  }
}

function time(run: ReportRun): number {
  const ms = Date.parse(run.timestamp)
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms
}
