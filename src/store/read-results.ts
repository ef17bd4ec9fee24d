import { readdirSync, readFileSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import type { z } from 'zod'
import { EvalboxError, errorMessage } from '../core/errors.ts'
import { check } from '../core/validate.ts'
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
}

// The tests are almost all of a big file: a listing reads past them, a slim load one by one.
const LIFTED = new Set(['tests'])

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
  const tests = keep(run.tests, 'tests', testEntrySchema())
  const notRun = run.not_run === undefined ? undefined : keep(run.not_run, 'not_run', notRunEntrySchema())
  return { ...run, tests, ...(notRun && { not_run: notRun }) }
}

/**
 * Reads a run file: whole, or (`mode` 'header') past its tests without keeping them, for a
 * listing, or (`mode` 'slim') test by test, each slimmed (see `LoadRunFileOptions.slim`).
 */
function readRun(
  path: string,
  schema: z.ZodType<unknown> = runFileSchema(),
  mode: 'whole' | 'header' | 'slim' = 'whole',
  outputs?: LoadRunFileOptions['outputs'],
): ReadOutcome {
  let text: string
  const tests: unknown[] = []
  try {
    if (mode === 'whole') text = readFileSync(path, 'utf8')
    else {
      const scanned = scanTopLevel(path, LIFTED, (_, element) => {
        if (mode !== 'slim') return
        const entry: unknown = JSON.parse(element)
        const picked = isRecord(entry) && outputs?.pick(entry) === true
        if (!picked && outputs?.onlyPicked) return
        tests.push(slimEntry(entry, outputs, picked))
      })
      if (scanned.truncated) {
        const message = `${path} is not valid JSON (it ends before its last \`}\`). A run killed mid-write can leave a cut-short file; delete it or re-run the evals.`
        return { ok: false, error: new EvalboxError('RESULT_FILE_INVALID', message) }
      }
      text = scanned.header
    }
  } catch (cause) {
    if (cause instanceof SyntaxError) {
      const message = `${path} is not valid JSON (${errorMessage(cause)}). A run killed mid-write can leave a cut-short file; delete it or re-run the evals.`
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
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (cause) {
    const message = `${path} is not valid JSON (${errorMessage(cause)}). A run killed mid-write can leave a cut-short file; delete it or re-run the evals.`
    return { ok: false, error: new EvalboxError('RESULT_FILE_INVALID', message, { cause }) }
  }
  if (mode === 'slim' && typeof data === 'object' && data !== null && Array.isArray((data as RunFile).tests))
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
  const schema = warn ? runHeaderSchema() : runFileSchema()
  const outcome = readRun(path, schema, options.slim ? 'slim' : 'whole', options.outputs)
  if (!outcome.ok) throw outcome.error
  return warn ? validEntries(path, outcome.run, warn) : outcome.run
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
  for (const name of names) {
    const path = resolve(join(dir, name))
    // Listing needs the top-level fields only; a file's tests are checked when it is loaded.
    const outcome = readRun(path, runHeaderSchema(), 'header')
    if (outcome.ok) summaries.push(summarize(path, outcome.run))
    else warn(`Skipped a file in the results directory: ${outcome.error.message}`)
  }
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
