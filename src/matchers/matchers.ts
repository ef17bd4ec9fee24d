import type { MatcherState } from 'vitest'
import { describeValue, EvalboxError, errorMessage } from '../core/errors.ts'
import { globMatcher } from '../core/glob.ts'
import type { Sandbox } from '../sandbox/types.ts'
import type { Grade } from '../store/schema.ts'
import { changedFiles, costOf, turnsOf } from './received.ts'

/** What a matcher returns to Vitest. */
export interface MatcherResult {
  pass: boolean
  message: () => string
  actual?: unknown
  expected?: unknown
}

const usd = (n: number) => `$${n < 0.01 && n > 0 ? n.toPrecision(2) : n.toFixed(2)}`
const list = (items: readonly string[], max = 10) =>
  items.length > max ? `${items.slice(0, max).join(', ')} and ${items.length - max} more` : items.join(', ')

/** Every changed file matches the globs (`src/**`, `*.md`, `{src,test}/**`, `!src/gen/**`; see core/glob.ts). */
export function toOnlyTouch(
  this: MatcherState,
  received: unknown,
  globs: string | readonly string[],
): MatcherResult {
  const patterns = typeof globs === 'string' ? [globs] : [...globs]
  if (patterns.length === 0 || patterns.some((g) => typeof g !== 'string'))
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `toOnlyTouch() needs a glob or a list of globs, got ${describeValue(globs)}`,
    )
  const files = changedFiles(received)
  const inside = globMatcher(patterns)
  const outside = files.filter((file) => !inside(file))
  const shown = patterns.join(', ')
  return {
    pass: outside.length === 0,
    message: () =>
      outside.length === 0
        ? `expected the changes not to only touch ${shown}, but every changed file matches: ${list(files) || '(none)'}`
        : `expected the changes to only touch ${shown}, but they also changed: ${list(outside)}`,
    actual: files,
    expected: patterns,
  }
}

/** The sandbox has the file (and, when given, its text contains `content` or matches it). */
export async function toContainFile(
  this: MatcherState,
  received: Sandbox,
  path: string,
  content?: string | RegExp,
): Promise<MatcherResult> {
  if (typeof received?.readFile !== 'function')
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `toContainFile() needs a Sandbox, got ${describeValue(received)}`,
    )
  let text: string
  try {
    text = (await received.readFile(path)).toString('utf8')
  } catch (error) {
    return {
      pass: false,
      message: () =>
        `expected the sandbox to contain ${path}, but it cannot be read (${errorMessage(error)})`,
    }
  }
  if (content === undefined)
    return { pass: true, message: () => `expected the sandbox not to contain ${path}, but it does` }
  const found = typeof content === 'string' ? text.includes(content) : content.test(text)
  const want = typeof content === 'string' ? JSON.stringify(content) : String(content)
  const head = JSON.stringify(text.length > 200 ? `${text.slice(0, 197)}...` : text)
  return {
    pass: found,
    message: () =>
      found
        ? `expected ${path} not to contain ${want}, but it does`
        : `expected ${path} to contain ${want}, but it reads: ${head}`,
    actual: text,
    expected: content,
  }
}

function isGrade(value: unknown): value is Grade {
  return (
    typeof value === 'object' &&
    value !== null &&
    'pass' in value &&
    'explanation' in value &&
    'name' in value
  )
}

/** A Grade passes, or every grade of a GradeSummary (`ctx.grade()`) does. */
export function toPassGrader(
  this: MatcherState,
  received: Grade | { pass: boolean; grades: readonly Grade[] },
): MatcherResult {
  const grades = isGrade(received)
    ? [received]
    : Array.isArray(received?.grades)
      ? received.grades
      : undefined
  if (!grades || typeof received.pass !== 'boolean')
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `toPassGrader() needs a Grade or a GradeSummary, got ${describeValue(received)}`,
    )
  const why = (g: Grade) => `${g.name} ${g.score === null ? 'was unscored' : 'failed'}: ${g.explanation}`
  const failing = grades.filter((g) => !g.pass)
  const pass = received.pass
  return {
    pass,
    message: () =>
      pass
        ? `expected ${isGrade(received) ? received.name : 'the grades'} not to pass, but ${isGrade(received) ? 'it' : 'they'} passed`
        : failing.length > 0
          ? `expected ${isGrade(received) ? 'the grade' : 'every grade'} to pass, but ${failing.map(why).join('; ')}`
          : `expected the grades to pass, but the summary failed (score ${received && 'score' in received ? received.score : '?'})`,
  }
}

/** Cost below `limit` USD. */
export function toCostLessThan(this: MatcherState, received: unknown, limit: number): MatcherResult {
  const cost = costOf(received)
  return {
    pass: cost < limit,
    message: () =>
      cost < limit
        ? `expected a cost of at least ${usd(limit)}, but it cost ${usd(cost)}`
        : `expected a cost below ${usd(limit)}, but it cost ${usd(cost)}`,
    actual: cost,
    expected: limit,
  }
}

/** At most `limit` turns. */
export function toUseAtMostTurns(this: MatcherState, received: unknown, limit: number): MatcherResult {
  const turns = turnsOf(received)
  return {
    pass: turns <= limit,
    message: () =>
      turns <= limit
        ? `expected more than ${limit} turns, but the agent used ${turns}`
        : `expected the agent to use at most ${limit} turns, but it used ${turns}`,
    actual: turns,
    expected: limit,
  }
}
