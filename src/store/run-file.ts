import { closeSync, fsyncSync, linkSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileSafe, runFileName } from './file-name.ts'
import { errnoCode, makeDir } from './results-dir.ts'
import type { RunInfo } from './run-info.ts'
import { runStats } from './run-stats.ts'
import { type NotRunEntry, type RunFile, type RunFilter, SCHEMA_VERSION, type TestEntry } from './schema.ts'

/** Run-level facts shared by every tier's file of one run. */
export interface RunHeader extends RunInfo {
  run_id: string
  /** ISO start time. */
  timestamp: string
  evalbox_version?: string
  vitest_version?: string
  node_version?: string
  shard?: string
  filter?: RunFilter
}

/** How a run file is being written. */
export type RunFileState =
  | { partial: false; wallClockMs: number }
  | { partial: true; reason: 'running' | 'interrupted'; wallClockMs: number }

/**
 * Assembles one tier's run file from its entries: the totals and `stats` are always derived
 * here, so a partial, a final file, a merged and a recovered file agree on what the numbers mean.
 */
export function buildRunFile(
  header: RunHeader,
  tier: string,
  tests: readonly TestEntry[],
  notRun: readonly NotRunEntry[],
  state: RunFileState,
): RunFile {
  let passed = 0
  let cost = 0
  let duration = 0
  for (const test of tests) {
    if (test.passed) passed++
    cost += test.cost_usd
    duration += test.duration_ms
  }
  const { run_id, timestamp, version, branch, git_sha, hostname, ...rest } = header
  // A test that has an outcome (a worker's late report) is not also listed as not run.
  const ran = new Set(tests.map((test) => test.id))
  const unfinished = notRun.filter((entry) => entry.id === undefined || !ran.has(entry.id))
  const run: RunFile = {
    schema_version: SCHEMA_VERSION,
    version,
    branch,
    git_sha,
    timestamp,
    hostname,
    tier,
    total_tests: tests.length,
    passed,
    failed: tests.length - passed,
    total_cost_usd: roundUsd(cost),
    total_duration_ms: Math.round(duration),
    ...(Number.isFinite(state.wallClockMs) && { wall_clock_ms: Math.round(state.wallClockMs) }),
    tests: [...tests],
    run_id,
    skipped: unfinished.length,
    not_run: unfinished,
    ...rest,
  }
  if (state.partial) {
    run._partial = true
    run.partial_reason = state.reason
  }
  // Derived like the totals (never carried over from a merged shard's header); skipped while
  // the run is still writing partials, which happens often and nobody reads for statistics.
  const stats = state.partial && state.reason === 'running' ? undefined : runStats(tests)
  if (stats) run.stats = stats
  else delete run.stats
  return run
}

/** Cost totals keep sub-cent precision (cheap models cost fractions of a cent per case). */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e6) / 1e6
}

/**
 * Writes a file atomically (temp file + fsync + rename), so readers never see half a file.
 * When the write fails (a full disk), the temp file is removed and the previous file, if
 * any, is left as it was.
 */
export function writeFileAtomic(path: string, text: string): void {
  const temp = writeTemp(path, text)
  try {
    renameSync(temp, path)
  } catch (error) {
    rmSync(temp, { force: true })
    throw error
  }
}

/** Writes `text` whole to a fresh temp file beside `path` and syncs it; returns its path. */
function writeTemp(path: string, text: string): string {
  const temp = `${path}.${process.pid}.tmp`
  try {
    const fd = openSync(temp, 'w')
    try {
      // writeFileSync continues a short write (a nearly full disk) until done or it throws.
      writeFileSync(fd, text)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  } catch (error) {
    rmSync(temp, { force: true })
    throw error
  }
  return temp
}

/**
 * Picks a tier's file name for a run and creates the file with `text` in one step (a temp
 * file hard-linked to the name, which fails if the name is taken), so two runs never share a
 * file and the name never holds an empty or half-written file (a second run in the same
 * second gets `-2`, `-3`...). A shard's file ends in `-shard-{i}-of-{n}`, so the shards of
 * one run started in the same second stay apart.
 *
 * @throws when the dir is unwritable (nothing is left behind)
 */
export function claimRunFile(resultsDir: string, header: RunHeader, tier: string, text: string): string {
  const shard = header.shard ? `-shard-${fileSafe(header.shard.replace('/', '-of-'))}` : ''
  const base = runFileName({ ...header, tier, timestamp: new Date(header.timestamp) }).replace(
    /\.json$/,
    shard,
  )
  makeDir(resultsDir)
  const temp = writeTemp(join(resultsDir, `.${base}`), text)
  try {
    for (let n = 1; ; n++) {
      const path = join(resultsDir, `${base}${n === 1 ? '' : `-${n}`}.json`)
      try {
        claimName(temp, path, text)
        return path
      } catch (error) {
        if (errnoCode(error) !== 'EEXIST' || n >= 1000) throw error
      }
    }
  } finally {
    rmSync(temp, { force: true })
  }
}

/** Hard links need support from the file system; without it, create the name exclusively. */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'])

function claimName(temp: string, path: string, text: string): void {
  try {
    linkSync(temp, path)
    return
  } catch (error) {
    if (!NO_LINKS.has(errnoCode(error) ?? '')) throw error
  }
  const fd = openSync(path, 'wx')
  try {
    writeFileSync(fd, text)
  } catch (error) {
    rmSync(path, { force: true })
    throw error
  } finally {
    closeSync(fd)
  }
}
