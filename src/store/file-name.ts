import { basename } from 'node:path'
import { describeValue, EvalboxError } from '../core/errors.ts'

/** The parts a run file is named after. */
export interface RunFileNameParts {
  /** Version of the project under evaluation (package.json `version`). */
  version: string
  /** Git branch; `/` and other unsafe characters become `-`. */
  branch: string
  /** Eval tier, e.g. `e2e` or `llm-judge`. */
  tier: string
  /** Run start; written in UTC as `YYYYMMDD-HHMMSS`. */
  timestamp: Date
}

/** What {@link parseRunFileName} could recover from a file name. */
export interface ParsedRunFileName {
  version: string
  branch: string
  tier: string
  timestamp: Date
}

// Anything outside this set could be a path separator, a shell metacharacter or invalid on
// some file system; a run of them collapses to one dash so `a//b` stays readable as `a-b`.
const UNSAFE = /[^A-Za-z0-9._-]+/g

/**
 * Makes one part of a file name safe: unsafe characters become `-`, leading dots are dropped
 * (a leading dot would hide the file), and an empty result becomes `unknown`.
 */
export function fileSafe(part: string): string {
  const safe = part
    .replace(UNSAFE, '-')
    .replace(/^[.-]+/, '')
    .replace(/-+$/, '')
  return safe === '' ? 'unknown' : safe
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

/**
 * The result file name for a run: `{version}-{branch}-{tier}-{YYYYMMDD-HHMMSS}.json`, the
 * time in UTC, each part made file-safe (see {@link fileSafe}).
 *
 * @example runFileName({ version: '1.2.0', branch: 'feat/x', tier: 'e2e', timestamp: new Date(0) })
 * // → '1.2.0-feat-x-e2e-19700101-000000.json'
 */
export function runFileName(parts: RunFileNameParts): string {
  const t = parts.timestamp
  if (!(t instanceof Date) || Number.isNaN(t.getTime())) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `Expected \`timestamp\` to be a valid Date, got ${describeValue(t)}. Pass the run's start time, e.g. \`new Date()\`.`,
    )
  }
  const date = `${t.getUTCFullYear()}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())}`
  const time = `${pad(t.getUTCHours())}${pad(t.getUTCMinutes())}${pad(t.getUTCSeconds())}`
  return `${fileSafe(parts.version)}-${fileSafe(parts.branch)}-${fileSafe(parts.tier)}-${date}-${time}.json`
}

const NAME = /^(.+)-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})\.json$/

/**
 * Best-effort inverse of {@link runFileName}. Versions, branches and tiers may all contain
 * dashes, so the split is a guess: the version is the first dash-separated token and the tier
 * the last, unless `hints.tier` (or `hints.version`) names a value the name ends (or starts)
 * with. Returns `undefined` for names that do not end in `-YYYYMMDD-HHMMSS.json`. Prefer the
 * fields inside the file; this is for display and sorting of names alone.
 */
export function parseRunFileName(
  name: string,
  hints: { tier?: string; version?: string } = {},
): ParsedRunFileName | undefined {
  const match = NAME.exec(basename(name))
  if (!match) return undefined
  const [, prefix, y, mo, d, h, mi, s] = match as unknown as string[]
  const timestamp = new Date(Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!))
  if (Number.isNaN(timestamp.getTime())) return undefined

  let rest = prefix!
  let version: string
  const versionHint = hints.version === undefined ? undefined : fileSafe(hints.version)
  if (versionHint && rest.startsWith(`${versionHint}-`)) {
    version = versionHint
    rest = rest.slice(versionHint.length + 1)
  } else {
    const dash = rest.indexOf('-')
    if (dash <= 0) return undefined
    version = rest.slice(0, dash)
    rest = rest.slice(dash + 1)
  }

  let tier: string
  const tierHint = hints.tier === undefined ? undefined : fileSafe(hints.tier)
  if (tierHint && rest.endsWith(`-${tierHint}`)) {
    tier = tierHint
    rest = rest.slice(0, -(tierHint.length + 1))
  } else {
    const dash = rest.lastIndexOf('-')
    if (dash <= 0) return undefined
    tier = rest.slice(dash + 1)
    rest = rest.slice(0, dash)
  }
  if (rest === '' || tier === '') return undefined
  return { version, branch: rest, tier, timestamp }
}
