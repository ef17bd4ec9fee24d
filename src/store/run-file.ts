import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { fileSafe, runFileName } from './file-name.ts'
import type { RunInfo } from './run-info.ts'
import { type NotRunEntry, type RunFile, SCHEMA_VERSION, type TestEntry } from './schema.ts'

/** Run-level facts shared by every tier's file of one run. */
export interface RunHeader extends RunInfo {
  run_id: string
  /** ISO start time. */
  timestamp: string
  evalbox_version?: string
  vitest_version?: string
  node_version?: string
  shard?: string
}

/** How a run file is being written. */
export type RunFileState =
  | { partial: false; wallClockMs: number }
  | { partial: true; reason: 'running' | 'interrupted'; wallClockMs: number }

/**
 * Assembles one tier's run file from its entries: the totals are always derived here, so a
 * partial, a final file and a recovered file agree on what the numbers mean.
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
    skipped: notRun.length,
    not_run: [...notRun],
    ...rest,
  }
  if (state.partial) {
    run._partial = true
    run.partial_reason = state.reason
  }
  return run
}

/** Cost totals keep sub-cent precision (cheap models cost fractions of a cent per case). */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e6) / 1e6
}

/** Writes a file atomically (temp file + fsync + rename), so readers never see half a file. */
export function writeFileAtomic(path: string, text: string): void {
  const temp = `${path}.${process.pid}.tmp`
  const fd = openSync(temp, 'w')
  try {
    writeSync(fd, text)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(temp, path)
}

/**
 * Picks a tier's file name for a run and creates the file exclusively, so two runs never share
 * a file (a second run in the same second gets `-2`, `-3`...). A shard's file ends in
 * `-shard-{i}-of-{n}`, so the shards of one run started in the same second stay apart. Throws
 * when the dir is unwritable.
 */
export function claimRunFile(resultsDir: string, header: RunHeader, tier: string): string {
  const shard = header.shard ? `-shard-${fileSafe(header.shard.replace('/', '-of-'))}` : ''
  const base = runFileName({ ...header, tier, timestamp: new Date(header.timestamp) }).replace(
    /\.json$/,
    shard,
  )
  mkdirSync(resultsDir, { recursive: true })
  for (let n = 1; ; n++) {
    const path = join(resultsDir, `${base}${n === 1 ? '' : `-${n}`}.json`)
    try {
      closeSync(openSync(path, 'wx'))
      return path
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 1000) throw error
    }
  }
}
