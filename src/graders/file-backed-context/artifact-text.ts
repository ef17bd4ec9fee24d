import { EvalboxError } from '../../core/errors.ts'
import type { ArtifactGrepView, ArtifactLine, ArtifactView, GrepOptions } from './artifact-types.ts'

const DEFAULT_LIMIT = 200

/**
 * Splits text into lines. A final newline ends the last line rather than starting an empty
 * one, and `\r\n` counts as one break, so `"a\nb\n"` has two lines and `""` none.
 */
export function splitLines(text: string): string[] {
  if (text === '') return []
  const lines = text.split(/\r?\n/)
  if (lines[lines.length - 1] === '') lines.pop()
  return lines
}

/**
 * Renders numbered lines the way the artifact tools show them: `<number>: <text>`. When
 * `matches` is given (grep), the other lines are context and read `<number>- <text>`, as
 * `grep -n -C` prints them.
 */
export function renderLines(lines: readonly ArtifactLine[], matches?: ReadonlySet<number>): string {
  return lines
    .map((line) => `${line.number}${!matches || matches.has(line.number) ? ':' : '-'} ${line.text}`)
    .join('\n')
}

function view(
  artifactId: string,
  shown: ArtifactLine[],
  totalLines: number,
  nextOffset: number | undefined,
): ArtifactView {
  return {
    artifactId,
    lines: shown,
    text: renderLines(shown),
    totalLines,
    hasMore: nextOffset !== undefined,
    nextOffset,
  }
}

function numbered(lines: readonly string[], from: number, to: number): ArtifactLine[] {
  const out: ArtifactLine[] = []
  for (let index = from; index < to; index++) out.push({ number: index + 1, text: lines[index]! })
  return out
}

/** Lines `offset` .. `offset + limit - 1` (1-based). An offset past the end gives no lines. */
export function pageOf(
  artifactId: string,
  lines: readonly string[],
  offset = 1,
  limit = DEFAULT_LIMIT,
): ArtifactView {
  const from = Math.max(0, offset - 1)
  const to = Math.min(lines.length, from + Math.max(0, limit))
  return view(artifactId, numbered(lines, from, to), lines.length, to < lines.length ? to + 1 : undefined)
}

/** The last `count` lines. */
export function tailOf(artifactId: string, lines: readonly string[], count = DEFAULT_LIMIT): ArtifactView {
  const from = Math.max(0, lines.length - Math.max(0, count))
  return view(artifactId, numbered(lines, from, lines.length), lines.length, undefined)
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** A line test for a grep query: literal text, or a regular expression. */
export function lineMatcher(query: string | RegExp, options: GrepOptions = {}): (line: string) => boolean {
  if (query instanceof RegExp) {
    // A global or sticky flag would make `test` remember positions between lines.
    const flags = query.flags.replace(/[gy]/g, '')
    const pattern = new RegExp(query.source, options.ignoreCase && !flags.includes('i') ? `${flags}i` : flags)
    return (line) => pattern.test(line)
  }
  let pattern: RegExp
  try {
    pattern = new RegExp(options.regex ? query : escapeRegExp(query), options.ignoreCase ? 'i' : '')
  } catch (error) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `The grep query ${JSON.stringify(query)} is not a valid regular expression; fix it, or search for it as literal text (regex: false).`,
      { cause: error },
    )
  }
  return (line) => pattern.test(line)
}

/**
 * The lines that match `query`, numbered, with `context` lines around each (overlapping
 * context is shown once). `offset` skips matches and `limit` caps them, so a model can page
 * through many matches.
 */
export function grepOf(
  artifactId: string,
  lines: readonly string[],
  query: string | RegExp,
  options: GrepOptions = {},
): ArtifactGrepView {
  const offset = Math.max(0, options.offset ?? 0)
  const limit = Math.max(0, options.limit ?? DEFAULT_LIMIT)
  const context = Math.max(0, options.context ?? 0)
  const test = lineMatcher(query, options)
  const matches: number[] = []
  lines.forEach((line, index) => {
    if (test(line)) matches.push(index)
  })
  const picked = matches.slice(offset, offset + limit)
  const shown = new Set<number>()
  for (const index of picked) {
    const from = Math.max(0, index - context)
    const to = Math.min(lines.length - 1, index + context)
    for (let at = from; at <= to; at++) shown.add(at)
  }
  const shownLines = [...shown]
    .sort((a, b) => a - b)
    .map((index) => ({ number: index + 1, text: lines[index]! }))
  const next = offset + picked.length < matches.length ? offset + picked.length : undefined
  const matchLines = picked.map((index) => index + 1)
  return {
    ...view(artifactId, shownLines, lines.length, next),
    text: renderLines(shownLines, new Set(matchLines)),
    matchLines,
    totalMatches: matches.length,
  }
}

/**
 * A query as fixtures and tool calls write it: `/source/flags` is a regular expression,
 * anything else literal text. An invalid expression is an error naming it.
 */
export function parseArtifactQuery(query: string): string | RegExp {
  const match = /^\/(.+)\/([imsu]*)$/.exec(query)
  if (!match) return query
  try {
    return new RegExp(match[1]!, match[2])
  } catch (error) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `The query ${JSON.stringify(query)} looks like a /regex/ but does not compile (${(error as Error).message}); fix it, or drop the slashes to search for literal text.`,
      { cause: error },
    )
  }
}
