import { createRequire } from 'node:module'
import type FastGlob from 'fast-glob'
import type Picomatch from 'picomatch'

/**
 * evalbox's one glob dialect, for every option that takes globs (`unitTests({ tests,
 * solutionFiles })`, `commandGrader({ tests })`, `plantBugs({ exclude })`, `toOnlyTouch()`) and
 * every folder listing by pattern. picomatch matches, fast-glob walks; both get the same
 * pattern, written over `/`-separated paths relative to a root (docs/graders.md, "Globs"):
 *
 * - `*` and `?` stay within one name; `**` spans folders, none included: `tests/**` matches
 *   `tests` itself and everything under it, `**\/x.py` matches `x.py` at any depth.
 * - A pattern without `/` names a path at the root only (`*.py` is not `src/a.py`), and a
 *   plain name is that path only: `tests` is not `tests/a.py` — write `tests/` or `tests/**`.
 * - A trailing `/` means the folder and everything under it (`tests/` is `tests/**`).
 * - `[ab]`, `[a-z]` classes; `[!ab]` and `[^ab]` both negate; `{a,b}` alternatives.
 * - Dotfiles are ordinary names: `**\/*.py` matches `.hidden/x.py`.
 * - Case-sensitive on every platform; a leading `./` is ignored, `\` in paths reads as `/`,
 *   `\` in a pattern escapes the next character.
 * - In a list, a pattern starting with `!` excludes: `['src/**', '!src/gen/**']`. A list of
 *   exclusions only matches everything they do not exclude; an empty list matches nothing.
 */

/** The same dialect for picomatch and fast-glob (both default to case-sensitive). */
const MATCH_OPTIONS = { dot: true, nocase: false } as const

/**
 * A pattern in the form both libraries read the same way: no leading `./`, a trailing `/`
 * as `/**`, and `[!…]` as `[^…]` (picomatch 4 reads `[!ab]` as the class of `!`, `a` and `b`
 * unless `posix` is set, an option fast-glob does not pass on: micromatch/picomatch#187).
 */
export function normalizeGlob(pattern: string): string {
  return pattern
    .replace(/^(?:\.\/)+/, '')
    .replace(/\/$/, '/**')
    .replace(/(^|[^\\])\[!/g, '$1[^')
}

/** A path as a glob that matches that path only: glob characters escaped with `\\`. */
export function escapeGlob(path: string): string {
  return path.replace(/[\\*?[\]{}()!+@]/g, '\\$&')
}

function split(globs: readonly string[]): { include: string[]; exclude: string[] } {
  const include: string[] = []
  const exclude: string[] = []
  for (const glob of globs) {
    if (glob.startsWith('!')) exclude.push(normalizeGlob(glob.slice(1)))
    else include.push(normalizeGlob(glob))
  }
  return { include, exclude }
}

function normalizePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(?:\.\/)+/, '')
}

/** A matcher for relative paths: true when a pattern of the list matches and no `!` pattern does. */
export function globMatcher(globs: string | readonly string[]): (path: string) => boolean {
  const { include, exclude } = split(typeof globs === 'string' ? [globs] : globs)
  if (include.length === 0 && exclude.length === 0) return () => false
  const included = include.length > 0 ? picomatch()(include, MATCH_OPTIONS) : () => true
  const excluded = exclude.length > 0 ? picomatch()(exclude, MATCH_OPTIONS) : () => false
  return (path) => {
    const normal = normalizePath(path)
    return included(normal) && !excluded(normal)
  }
}

/** True when the relative path matches the glob (or list of globs). */
export function matchesGlob(path: string, globs: string | readonly string[]): boolean {
  return globMatcher(globs)(path)
}

/**
 * fast-glob, loaded on the first walk: it is most of what loading evalbox costs in a run that
 * never lists a folder (about 25 ms in every worker and in the main process).
 */
let picomatchModule: typeof Picomatch | undefined
/** picomatch, loaded on the first match: most eval files never match a glob. */
function picomatch(): typeof Picomatch {
  picomatchModule ??= createRequire(import.meta.url)('picomatch') as typeof Picomatch
  return picomatchModule
}

let fastGlob: typeof FastGlob | undefined
function walker(): typeof FastGlob {
  fastGlob ??= createRequire(import.meta.url)('fast-glob') as typeof FastGlob
  return fastGlob
}

/** Options of {@link findFiles}. */
export interface FindFilesOptions {
  /** Folder names never walked into, at any depth (`node_modules`, `.git`). */
  skipDirs?: Iterable<string>
  /** Levels walked below `cwd`; 1 lists `cwd` only. @default no limit */
  deep?: number
}

function walkOptions(cwd: string, exclude: readonly string[], options: FindFilesOptions) {
  const skipped = [...(options.skipDirs ?? [])].map((name) => `**/${name}/**`)
  return {
    ...MATCH_OPTIONS,
    cwd,
    ignore: [...exclude, ...skipped],
    onlyFiles: true,
    // A link is not walked into nor listed: a listing never leaves the folder it was given.
    followSymbolicLinks: false,
    // An unreadable folder inside the walk is an error, not a silently shorter listing.
    suppressErrors: false,
    ...(options.deep !== undefined && { deep: options.deep }),
  }
}

/** Sorted by code unit, so a listing is the same on every platform and file system. */
function sorted(paths: string[]): string[] {
  return paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

/**
 * The regular files under `cwd` whose relative paths match the globs, as sorted relative
 * `/`-separated paths. Links are neither listed nor followed. A missing `cwd` yields `[]`.
 */
export async function findFiles(
  cwd: string,
  globs: string | readonly string[],
  options: FindFilesOptions = {},
): Promise<string[]> {
  const { include, exclude } = split(typeof globs === 'string' ? [globs] : globs)
  if (include.length === 0 && exclude.length === 0) return []
  return sorted(await walker()(include.length > 0 ? include : ['**'], walkOptions(cwd, exclude, options)))
}

/** {@link findFiles}, synchronous. */
export function findFilesSync(
  cwd: string,
  globs: string | readonly string[],
  options: FindFilesOptions = {},
): string[] {
  const { include, exclude } = split(typeof globs === 'string' ? [globs] : globs)
  if (include.length === 0 && exclude.length === 0) return []
  return sorted(walker().sync(include.length > 0 ? include : ['**'], walkOptions(cwd, exclude, options)))
}
