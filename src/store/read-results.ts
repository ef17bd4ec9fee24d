import { readdirSync, readFileSync, type Stats, statSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import * as z from 'zod'
import { EvalboxError, errorMessage } from '../core/errors.ts'
import { check } from '../core/validate.ts'
import { RunIndex } from './run-index.ts'
import { scanTopLevel } from './scan-json.ts'
import {
  notRunEntrySchema,
  type RunFile,
  runFileSchema,
  runHeaderSchema,
  SCHEMA_VERSION,
  type TestEntry,
  testEntrySchema,
} from './schema.ts'

/** One run file as listed by {@link listRuns}: its header fields, not its tests. */
export interface RunSummary {
  /** Absolute path of the file. */
  path: string
  /** File name within the results directory. */
  file: string
  tier: string
  branch: string
  version: string
  git_sha: string
  /** ISO time the run started. */
  timestamp: string
  /** The run never finalized (still running, or interrupted). */
  partial: boolean
  passed: number
  failed: number
  /** Tests that ran to an outcome. */
  total: number
  /** Tests recorded as skipped, todo or not run. */
  skipped: number
  cost_usd: number
  /** `i/n` for the file of one shard of a `vitest --shard` run. */
  shard?: string
}

/** Options for {@link listRuns} and {@link findPreviousRun}. */
export interface ListRunsOptions {
  /**
   * Called once per skipped file (unparseable, not a run file, invalid, or too new) with a
   * message naming the file and why.
   * @default ignore
   */
  warn?: (message: string) => void
  /**
   * Runs the caller has in memory (typically the run it just wrote), by absolute path: listed
   * without reading their files.
   */
  known?: ReadonlyMap<string, RunFile>
}

// The tests are almost all of a big file: a listing reads past them, a slim load one by one.
const LIFTED = new Set(['tests'])
/**
 * @internal Files up to this size are parsed whole even for a listing or a slim load: native JSON.parse
 * is several times faster than the streaming scan, and the memory it takes is bounded by this.
 */
export const readTuning = { wholeParseMaxBytes: 8 * 1024 * 1024 }

type ReadOutcome = { ok: true; run: RunFile } | { ok: false; error: EvalboxError }

/** Options for {@link loadRunFile}. */
export interface LoadRunFileOptions {
  /**
   * When given, an invalid test or not-run entry is skipped with one call naming the file, the
   * entry and the field, and the rest of the run is used. Without it such a file is refused.
   * @default refuse the file
   */
  warn?: (message: string) => void
  /**
   * Read the tests one at a time and leave out their `output`, `prompt` and `transcript` (a
   * transcript stays when the entry has no `tool_summary`, which is counted from it): what
   * comparisons and gates need, in a fraction of the memory of a big file.
   * @default false
   */
  slim?: boolean
  /**
   * With `slim`: each test's `output` is still left out, but its size in UTF-8 bytes is kept in
   * `output_bytes`; the tests `pick` chooses (it sees each entry as read) keep their `output`,
   * cut to its first `maxChars` characters, and their `transcript`. With `onlyPicked`, the
   * other tests are left out of `tests` altogether (and an invalid entry's index in a warning
   * counts only the picked ones). For a report that embeds the outputs of a few cases of a big
   * file and says how long each one really is.
   * @default leave every output out
   */
  outputs?: {
    pick: (entry: Readonly<Record<string, unknown>>) => boolean
    maxChars: number
    onlyPicked?: boolean
  }
}

/** The size field a load with `outputs` adds to a test entry (see `LoadRunFileOptions.outputs`). */
export type SizedTestEntry = TestEntry & { output_bytes?: number }

/** The fields a slim test entry leaves out (see `LoadRunFileOptions.slim` and `outputs`). */
function slimEntry(entry: unknown, outputs: LoadRunFileOptions['outputs'], picked: boolean): unknown {
  if (!isRecord(entry)) return entry
  const { output, prompt, transcript, ...rest } = entry
  const keepTranscript = transcript !== undefined && (picked || !('tool_summary' in rest))
  const slim = keepTranscript ? { ...rest, transcript } : rest
  if (!outputs || typeof output !== 'string') return slim
  const output_bytes = Buffer.byteLength(output)
  if (!picked) return { ...slim, output_bytes }
  const cut = output.length > outputs.maxChars ? output.slice(0, outputs.maxChars) : output
  return { ...slim, output: cut, output_bytes }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The entries of a run that pass their schema; `warn` hears about each one left out. */
function validEntries(path: string, run: RunFile, warn: (message: string) => void): RunFile {
  const keep = <T>(list: readonly unknown[], field: string, schema: z.ZodType<T>): T[] =>
    list.flatMap((item, i) => {
      const parsed = check(schema, item, { max: 1 })
      if (parsed.ok) return [parsed.data]
      const name = (item as { name?: unknown } | null)?.name
      const where = `${field}[${i}]${typeof name === 'string' ? ` ("${name}")` : ''}`
      const why = parsed.problem
      warn(
        `Skipped an invalid entry ${where} of ${path} (${why}); the rest of the run is used. Fix or remove the entry.`,
      )
      return []
    })
  // One check of the whole list is many times faster than one per entry: entry by entry only
  // when the list has an invalid entry, to name it and keep the rest.
  const all = <T>(list: readonly unknown[], field: string, schema: z.ZodType<T>): T[] => {
    const whole = z.array(schema).safeParse(list)
    return whole.success ? whole.data : keep(list, field, schema)
  }
  const tests = all(run.tests, 'tests', testEntrySchema())
  const notRun = run.not_run === undefined ? undefined : all(run.not_run, 'not_run', notRunEntrySchema())
  return { ...run, tests, ...(notRun && { not_run: notRun }) }
}

/**
 * Reads a run file: whole, or (`mode` 'header') past its tests without keeping them, for a
 * listing, or (`mode` 'slim') test by test, each slimmed (see `LoadRunFileOptions.slim`).
 */
function readRun(
  path: string,
  /** Undefined: the file is known to be valid, and is not checked again. */
  schema: z.ZodType<unknown> | undefined,
  mode: 'whole' | 'header' | 'slim' = 'whole',
  outputs?: LoadRunFileOptions['outputs'],
): ReadOutcome {
  let text: string | undefined
  let data: unknown
  let tests: unknown[] | undefined
  const keep = (entry: unknown) => {
    const picked = isRecord(entry) && outputs?.pick(entry) === true
    if (!picked && outputs?.onlyPicked) return
    tests!.push(slimEntry(entry, outputs, picked))
  }
  try {
    if (mode === 'whole' || statSync(path).size <= readTuning.wholeParseMaxBytes)
      text = readFileSync(path, 'utf8')
    else {
      if (mode === 'slim') tests = []
      const scanned = scanTopLevel(path, LIFTED, (_, element) => {
        if (tests) keep(JSON.parse(element))
      })
      if (scanned.truncated) {
        const message = `${path} is not valid JSON (it ends before its last \`}\`). A run killed mid-write can leave a cut-short file; delete it or re-run the evals.`
        return { ok: false, error: new EvalboxError('RESULT_FILE_INVALID', message) }
      }
      data = JSON.parse(scanned.header)
    }
    if (text !== undefined) {
      data = JSON.parse(text)
      const all = (data as Partial<RunFile> | null)?.tests
      if (mode !== 'whole' && Array.isArray(all)) {
        tests = []
        if (mode === 'slim') for (const entry of all) keep(entry)
      }
    }
  } catch (cause) {
    if (cause instanceof SyntaxError) {
      const cut = text !== undefined && !text.trimEnd().endsWith('}')
      const why = cut ? 'it ends before its last `}`' : errorMessage(cause)
      const message = `${path} is not valid JSON (${why}). A run killed mid-write can leave a cut-short file; delete it or re-run the evals.`
      return { ok: false, error: new EvalboxError('RESULT_FILE_INVALID', message, { cause }) }
    }
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT'
    const error = missing
      ? new EvalboxError(
          'NO_RESULTS',
          `Result file not found: ${path}. Check the path, or run \`evalbox list\` to see the saved runs.`,
          { cause },
        )
      : new EvalboxError('RESULT_FILE_INVALID', `Cannot read result file ${path}: ${errorMessage(cause)}.`, {
          cause,
        })
    return { ok: false, error }
  }
  if (tests && typeof data === 'object' && data !== null && Array.isArray((data as RunFile).tests))
    (data as RunFile).tests = tests as RunFile['tests']
  const record = typeof data === 'object' && data !== null && !Array.isArray(data) ? data : undefined
  if (!record || !('schema_version' in record || 'tests' in record)) {
    const message = `${path} is not an evalbox run file (it has no \`schema_version\` or \`tests\`). Keep other JSON files out of the results directory.`
    return { ok: false, error: new EvalboxError('RESULT_FILE_INVALID', message) }
  }
  const version = (record as { schema_version?: unknown }).schema_version
  if (typeof version === 'number' && version > SCHEMA_VERSION) {
    const message = `${path} has schema_version ${version}, newer than this evalbox understands (${SCHEMA_VERSION}). Upgrade evalbox (npm install -D evalbox@latest) to read it.`
    return { ok: false, error: new EvalboxError('RESULT_SCHEMA_TOO_NEW', message) }
  }
  if (!schema) return { ok: true, run: data as RunFile }
  const parsed = check(schema, data, { max: 1 })
  if (!parsed.ok) {
    const message = `${path} is not a valid evalbox run file: ${parsed.problem}. Fix or remove the file.`
    return { ok: false, error: new EvalboxError('RESULT_FILE_INVALID', message) }
  }
  return { ok: true, run: parsed.data as RunFile }
}

/**
 * Reads and validates one run file.
 *
 * @throws {EvalboxError} `NO_RESULTS` when the file does not exist; `RESULT_SCHEMA_TOO_NEW`
 *   when it was written by a newer evalbox; `RESULT_FILE_INVALID` when it is not JSON, not a
 *   run file, or fails the schema (the message names the first failing field; with `warn`,
 *   only the run's own fields count and invalid entries are skipped).
 */
export function loadRunFile(path: string, options: LoadRunFileOptions = {}): RunFile {
  const { warn } = options
  // A file that passed the schema whole and is unchanged since is not checked again.
  const dir = dirname(path)
  const name = basename(path)
  let stats: Stats | undefined
  let index: RunIndex | undefined
  try {
    stats = statSync(path)
    index = RunIndex.open(dir)
  } catch {
    // Missing: readRun says so.
  }
  const valid = stats !== undefined && index?.isValid(name, stats) === true
  const schema = valid ? undefined : warn ? runHeaderSchema() : runFileSchema()
  const outcome = readRun(path, schema, options.slim ? 'slim' : 'whole', options.outputs)
  if (!outcome.ok) throw outcome.error
  // Only a load that saw every entry can vouch for the file (`onlyPicked` leaves some unread).
  const whole = !options.outputs?.onlyPicked
  if (valid || !warn) {
    if (!valid && whole && stats && index) rememberValid(index, name, stats)
    return outcome.run
  }
  let clean = true
  const run = validEntries(path, outcome.run, (message) => {
    clean = false
    warn(message)
  })
  if (clean && whole && stats && index) rememberValid(index, name, stats)
  return run
}

function rememberValid(index: RunIndex, name: string, stats: Stats): void {
  index.markValid(name, stats)
  index.save()
}

/** The listing row of a run file. */
export function summarize(path: string, run: RunFile): RunSummary {
  return {
    path,
    file: basename(path),
    tier: run.tier,
    branch: run.branch,
    version: run.version,
    git_sha: run.git_sha,
    timestamp: run.timestamp,
    partial: run._partial === true,
    passed: run.passed,
    failed: run.failed,
    total: run.total_tests,
    skipped: run.skipped ?? run.not_run?.length ?? 0,
    cost_usd: run.total_cost_usd,
    ...(run.shard && { shard: run.shard }),
  }
}

function time(summary: RunSummary): number {
  const ms = Date.parse(summary.timestamp)
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms
}

/**
 * The run files directly inside `dir`, newest first (by their `timestamp`, then file name).
 * Only `*.json` files at the top level are read: the `runs/` folder, hidden entries and other
 * files (journals, temp files) are ignored silently. A `.json` file that cannot be used is
 * skipped with one `warn` call. A missing directory yields `[]`.
 */
export function listRuns(dir: string, options: ListRunsOptions = {}): RunSummary[] {
  const warn = options.warn ?? (() => {})
  let names: string[]
  try {
    // One folder, one suffix: a plain listing (a glob walker costs its load in every run's end).
    names = readdirSync(dir, { withFileTypes: true })
      .filter(
        (entry) =>
          (entry.isFile() || entry.isSymbolicLink()) &&
          entry.name.endsWith('.json') &&
          !entry.name.startsWith('.'),
      )
      .map((entry) => entry.name)
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw new EvalboxError('NO_RESULTS', `Cannot read results directory ${dir}: ${errorMessage(cause)}.`, {
      cause,
    })
  }
  const summaries: RunSummary[] = []
  const index = RunIndex.open(dir)
  for (const name of names) {
    const path = resolve(join(dir, name))
    let stats: Stats
    try {
      stats = statSync(path)
    } catch {
      continue // removed while listing
    }
    const cached = index.get(name, stats)
    if (cached) {
      summaries.push({ ...(cached as Omit<RunSummary, 'path' | 'file'>), path, file: name })
      continue
    }
    // Listing needs the top-level fields only; a file's tests are checked when it is loaded.
    const known = options.known?.get(path)
    const outcome: ReadOutcome = known ? { ok: true, run: known } : readRun(path, runHeaderSchema(), 'header')
    if (!outcome.ok) {
      warn(`Skipped a file in the results directory: ${outcome.error.message}`)
      continue
    }
    const summary = summarize(path, outcome.run)
    const { path: _path, file: _file, ...row } = summary
    // A run this process wrote is valid as a whole: loading it later skips the entry checks.
    index.set(name, stats, row, known !== undefined)
    summaries.push(summary)
  }
  index.save({ prune: true })
  return summaries.sort((a, b) => time(b) - time(a) || (b.file < a.file ? -1 : b.file > a.file ? 1 : 0))
}

/** Options for {@link findPreviousRun}. */
export interface FindPreviousRunOptions extends ListRunsOptions {
  /** Only runs of this tier are candidates. */
  tier: string
  /** Runs of this branch are preferred; any branch is the fallback. */
  branch: string
  /** Files never chosen (typically the current run), as paths or names within `dir`. */
  exclude?: string[]
  /**
   * Only runs that started before this ISO time (the `timestamp` of the run being compared),
   * so that an old run is never compared with a newer one.
   * @default no limit
   */
  olderThan?: string
}

/**
 * Picks the previous run from summaries already listed (see {@link findPreviousRun}); for
 * callers that listed the directory anyway. `exclude` holds absolute paths.
 */
export function pickPreviousRun(
  runs: readonly RunSummary[],
  options: { tier: string; branch: string; exclude?: readonly string[]; olderThan?: string },
): RunSummary | undefined {
  const excluded = new Set(options.exclude ?? [])
  const limit = options.olderThan === undefined ? Number.NaN : Date.parse(options.olderThan)
  const candidates = runs.filter(
    (run) =>
      !run.partial &&
      // One shard holds part of a run: never the baseline of a whole run (merge shards first).
      !run.shard &&
      run.tier === options.tier &&
      !excluded.has(run.path) &&
      (Number.isNaN(limit) || time(run) < limit),
  )
  return candidates.find((run) => run.branch === options.branch) ?? candidates[0]
}

/**
 * The previous run file of a run: the newest finalized run (no `_partial`) in `dir` of the
 * same tier (and older than `olderThan`), preferring the same branch and falling back to any
 * branch. Partial runs and `exclude`d files are never chosen. Returns the file's absolute
 * path, or `undefined`. (Comparisons take each case from the last run that ran it instead:
 * `findBaseline` in `baseline.ts`.)
 */
export function findPreviousRun(dir: string, options: FindPreviousRunOptions): string | undefined {
  // An exclude may be a path (from the cwd) or a bare name within `dir`; accept either.
  const exclude = (options.exclude ?? []).flatMap((file) => [resolve(file), resolve(dir, file)])
  return pickPreviousRun(listRuns(dir, options), { ...options, exclude })?.path
}
