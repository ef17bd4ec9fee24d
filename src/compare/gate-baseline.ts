import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { EvalboxError } from '../core/errors.ts'
import { fileSafe } from '../store/file-name.ts'
import { loadRunFile } from '../store/read-results.ts'
import type { RunFile } from '../store/schema.ts'
import { type GateOptions, type GateResult, gate } from './gate.ts'

/** The default baseline file, relative to the project root. */
export const DEFAULT_BASELINE = 'evals/baseline.json'

/**
 * The baseline path for a tier: `{tier}` in `path` is replaced by the (file-safe) tier, so
 * one setting such as `evals/baseline-{tier}.json` serves every tier.
 */
export function baselinePathFor(path: string, tier: string): string {
  return path.replaceAll('{tier}', fileSafe(tier))
}

/**
 * Loads a baseline file and checks it can stand for `tier`: it exists, is a valid run file,
 * finished (no `_partial`) and is of the same tier.
 *
 * @throws {EvalboxError} `NO_RESULTS` when missing; `RESULT_FILE_INVALID` when invalid or
 *   partial; `INVALID_OPTIONS` when it is a run of another tier.
 */
export function loadBaseline(path: string, tier: string | undefined): RunFile {
  if (!existsSync(path)) {
    throw new EvalboxError(
      'NO_RESULTS',
      `No baseline at ${path}. Bless a run you trust with \`evalbox baseline bless\` (and commit the file), or gate against the previous run with --previous.`,
    )
  }
  const baseline = loadRunFile(path, { slim: true })
  if (baseline._partial) {
    throw new EvalboxError(
      'RESULT_FILE_INVALID',
      `The baseline ${path} is a partial run; a baseline must be a finished run. Bless a finalized run with \`evalbox baseline bless\`.`,
    )
  }
  if (tier !== undefined && baseline.tier !== tier) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `The baseline ${path} is a "${baseline.tier}" run, not "${tier}". Keep one baseline per tier, e.g. evals/baseline-{tier}.json, and bless each with --tier.`,
    )
  }
  return baseline
}

/** Options for {@link gateAgainstBaseline}. */
export interface BaselineGateOptions extends GateOptions {
  /**
   * Directory a relative `baselinePath` is resolved against.
   * @default process.cwd()
   */
  root?: string
}

/**
 * Gates a finished run against its baseline file (for the reporter's `gate` option): loads
 * the baseline (`{tier}` in the path is replaced by the run's tier), checks it matches the
 * run's tier, and returns {@link gate}'s result. The caller prints `title` and `message` and
 * sets the exit code from `ok`.
 *
 * @throws {EvalboxError} when the baseline is missing, invalid, partial or of another tier
 *   (see {@link loadBaseline}); `INVALID_OPTIONS` for a bad `alpha` or `failOn`.
 */
export function gateAgainstBaseline(
  run: RunFile,
  baselinePath: string,
  options: BaselineGateOptions = {},
): GateResult & { baselinePath: string } {
  const { root, ...gateOptions } = options
  const path = resolve(root ?? process.cwd(), baselinePathFor(baselinePath, run.tier))
  const baseline = loadBaseline(path, run.tier)
  return { ...gate(baseline, run, gateOptions), baselinePath: path }
}
