import { EvalboxError } from '../core/errors.ts'
import { buildRunFile, type RunFileState, type RunHeader } from './run-file.ts'
import type { NotRunEntry, RunFile, TestEntry } from './schema.ts'

/** Options for {@link mergeRuns}. */
export interface MergeOptions {
  /**
   * Names of the inputs (file paths), in the same order, for error messages.
   * @default `run 1`, `run 2`, ...
   */
  names?: string[]
  /**
   * Merge even when the runs differ in branch, commit or run id (that are not shards of one
   * run), or hold the same test twice. The tier must still match.
   * @default false
   */
  force?: boolean
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Stable order of a merged file: file, then suite, then name, then repeat. */
function byPlace(a: TestEntry, b: TestEntry): number {
  return (
    compareText(a.file ?? '', b.file ?? '') ||
    compareText(a.suite, b.suite) ||
    compareText(a.name, b.name) ||
    (a.repeat ?? 0) - (b.repeat ?? 0)
  )
}

function byNotRunPlace(a: NotRunEntry, b: NotRunEntry): number {
  return (
    compareText(a.file ?? '', b.file ?? '') || compareText(a.suite, b.suite) || compareText(a.name, b.name)
  )
}

const testId = (t: TestEntry) =>
  t.id ?? `${t.file ?? ''}\u0000${t.suite}\u0000${t.name}\u0000${t.repeat ?? ''}`
const placeKey = (t: { suite: string; name: string }) => `${t.suite}\u0000${t.name}`
const time = (run: RunFile) => {
  const ms = Date.parse(run.timestamp)
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms
}

function fail(message: string): never {
  throw new EvalboxError('INVALID_OPTIONS', message)
}

/** Shards of one Vitest run (`--shard i/n` in separate processes) differ in run id by design. */
function areShards(runs: readonly RunFile[]): boolean {
  const labels = runs.map((r) => r.shard)
  if (labels.some((s) => s === undefined)) return false
  const counts = new Set(labels.map((s) => s!.split('/')[1]))
  return counts.size === 1 && new Set(labels).size === labels.length
}

function checkSameRun(runs: readonly RunFile[], names: string[], force: boolean): void {
  const tiers = new Set(runs.map((r) => r.tier))
  if (tiers.size > 1) {
    const list = runs.map((r, i) => `${names[i]} (${r.tier})`).join(', ')
    fail(`Cannot merge runs of different tiers: ${list}. Merge the files of one tier at a time.`)
  }
  if (force) return
  const fields: Array<'branch' | 'git_sha' | 'run_id'> = ['branch', 'git_sha']
  if (!areShards(runs)) fields.push('run_id')
  for (const field of fields) {
    if (new Set(runs.map((r) => r[field] ?? '')).size > 1) {
      const list = runs.map((r, i) => `${names[i]} (${r[field] ?? 'none'})`).join(', ')
      fail(
        `Cannot merge runs with different ${field}: ${list}. Shards of one run share it; pass --force to merge anyway.`,
      )
    }
  }
  const shards = runs.map((r) => r.shard).filter((s): s is string => s !== undefined)
  const repeated = shards.find((s, i) => shards.indexOf(s) !== i)
  if (repeated) {
    const list = runs.flatMap((r, i) => (r.shard === repeated ? [names[i]] : [])).join(' and ')
    fail(`Shard ${repeated} appears twice (${list}). Keep one of them, or pass --force.`)
  }
}

function checkDistinct(runs: readonly RunFile[], names: string[]): void {
  const owner = new Map<string, number>()
  runs.forEach((run, i) => {
    for (const test of run.tests) {
      const id = testId(test)
      const first = owner.get(id)
      if (first !== undefined && first !== i) {
        fail(
          `Test "${test.name}" is in both ${names[first]} and ${names[i]}; merge each shard once (or pass --force to keep both).`,
        )
      }
      owner.set(id, i)
    }
  })
}

/**
 * Merges the run files of one tier written by separate shards (`vitest --shard`) into one run
 * file that compares like any other. Tests are concatenated and sorted by file, suite, name
 * and repeat; totals are re-derived; `shard` is dropped; the result is `_partial` when any
 * input is; `timestamp` is the earliest, `wall_clock_ms` the longest. Not-run entries for
 * tests that ran in another shard are dropped. Run-level fields come from the earliest run.
 *
 * @throws {EvalboxError} `INVALID_OPTIONS` when there is nothing to merge, the tiers differ,
 *   or (without `force`) branch, commit or run id differ or a test appears in two inputs.
 */
export function mergeRuns(runs: readonly RunFile[], options: MergeOptions = {}): RunFile {
  if (runs.length === 0) fail('Nothing to merge: pass at least one run file.')
  const names = runs.map((_, i) => options.names?.[i] ?? `run ${i + 1}`)
  checkSameRun(runs, names, options.force === true)
  if (!options.force) checkDistinct(runs, names)

  const first = [...runs].sort((a, b) => time(a) - time(b))[0]!
  const tests = runs.flatMap((r) => r.tests).sort(byPlace)
  const ran = new Set(tests.map(placeKey))
  const notRun = runs
    .flatMap((r) => r.not_run ?? [])
    .filter((entry) => !ran.has(placeKey(entry)))
    .sort(byNotRunPlace)

  const walls = runs.map((r) => r.wall_clock_ms).filter((ms): ms is number => ms !== undefined)
  const wallClockMs = walls.length > 0 ? Math.max(...walls) : Number.NaN
  const partials = runs.filter((r) => r._partial === true)
  const state: RunFileState =
    partials.length === 0
      ? { partial: false, wallClockMs }
      : {
          partial: true,
          reason: partials.some((r) => r.partial_reason === 'running') ? 'running' : 'interrupted',
          wallClockMs,
        }

  const {
    tests: _t,
    not_run: _n,
    shard: _s,
    _partial: _p,
    partial_reason: _r,
    total_tests: _tt,
    passed: _pa,
    failed: _f,
    total_cost_usd: _c,
    total_duration_ms: _d,
    wall_clock_ms: _w,
    skipped: _sk,
    schema_version: _sv,
    tier,
    ...header
  } = first
  const merged = buildRunFile(
    { ...header, run_id: first.run_id ?? '' } as RunHeader,
    tier,
    tests,
    notRun,
    state,
  )
  if (first.run_id === undefined) delete merged.run_id
  return merged
}

/**
 * Shards of a sharded run that are absent from `runs`, as `i/n` labels: when every input has
 * a `shard` label of the same count, the indices 1..n not among them. Otherwise `[]`.
 */
export function missingShards(runs: readonly RunFile[]): string[] {
  const labels = runs.map((r) => /^(\d+)\/(\d+)$/.exec(r.shard ?? ''))
  if (labels.length === 0 || labels.some((m) => m === null)) return []
  const counts = new Set(labels.map((m) => m![2]))
  if (counts.size !== 1) return []
  const count = Number(labels[0]![2])
  const present = new Set(labels.map((m) => Number(m![1])))
  const missing: string[] = []
  for (let i = 1; i <= count; i++) if (!present.has(i)) missing.push(`${i}/${count}`)
  return missing
}
