/**
 * The one options validator: every public option object (eval, agent, grader, project,
 * sandbox) is parsed against a strict zod schema here, and every zod error evalbox reports
 * is worded here. Messages name the option's path, the value given, what is expected and
 * the fix; an unknown key gets a did-you-mean from the keys the schema knows.
 *
 * Imports nothing else from src: the caller says which error to throw (`error`).
 */
import type { z } from 'zod'

type Issue = z.core.$ZodIssue
type Key = PropertyKey

/** Where the options come from and what to throw. */
export interface OptionsSource {
  /** The call that took the options, as messages start: `agents.cli()`, `evalTest("adds")`. */
  readonly api: string
  /** Makes the error thrown, from the finished message (an `EvalboxError` with its code). */
  readonly error: (message: string) => Error
  /** The last sentence of the message. @default `Fix the options passed to <api>.` */
  readonly fix?: string
  /** Path of `value` inside the caller's options, for parts validated on their own (`data`). */
  readonly prefix?: readonly Key[]
}

/**
 * Parses `value` against `schema`; returns zod's output, or throws `source.error(message)`
 * with every problem named (see {@link describeIssues}).
 */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  value: unknown,
  source: OptionsSource,
): z.output<S> {
  const checked = check(schema, value, { prefix: source.prefix, root: 'an options object', key: 'option' })
  if (checked.ok) return checked.data
  const fix = source.fix ?? `Fix the options passed to ${source.api}.`
  throw source.error(`${source.api}: ${checked.problem}${checked.problem.endsWith('?') ? '' : '.'} ${fix}`)
}

/** What {@link check} finds: the parsed data, or the problems worded as one text. */
export type Checked<T> =
  | { readonly ok: true; readonly data: T }
  | { readonly ok: false; readonly problem: string }

/**
 * Parses `value` against `schema` without throwing, for data that is not options (result
 * files, fixtures, a judge's answer): the problems are worded as {@link parseOptions} words them.
 */
export function check<S extends z.ZodType>(
  schema: S,
  value: unknown,
  options: DescribeOptions = {},
): Checked<z.output<S>> {
  const parsed = schema.safeParse(value, { error: expectation })
  if (parsed.success) return { ok: true, data: parsed.data }
  return { ok: false, problem: describeIssues(parsed.error.issues, value, { schema, ...options }) }
}

/** How {@link describeIssues} words the problems. */
export interface DescribeOptions {
  /** The schema, for the keys an unknown key is matched against. */
  readonly schema?: z.ZodType
  /** Path of the value inside what the reader knows, for parts parsed on their own. */
  readonly prefix?: readonly Key[]
  /** What the whole value should be, named when it is of the wrong type ("an options object"). */
  readonly root?: string
  /** What an unknown key is called: "unknown option `x`". @default 'key' */
  readonly key?: string
  /** Problems named at most; the rest are counted. @default 5 */
  readonly max?: number
}

/**
 * The one zod-error formatter: each issue as "`path` what is expected, got `value` (type)",
 * unknown keys as "unknown option `path`, given …: did you mean `key`?", joined by "; ".
 * `value` is the parsed input, for the values named.
 */
export function describeIssues(
  issues: readonly Issue[],
  value: unknown,
  options: DescribeOptions = {},
): string {
  const prefix = options.prefix ?? []
  const flat = issues.flatMap((issue) => flatten(issue, [], value))
  const unknown = flat.filter((issue) => issue.code === 'unrecognized_keys')
  const suggested = new Set<string>()
  const parts: string[] = []
  for (const issue of unknown) {
    const known = options.schema ? keysAt(options.schema, issue.path) : []
    // A key the object already has is not what a misspelling meant.
    const given = valueAt(value, issue.path) as Record<string, unknown> | undefined
    const free = known.filter((key) => given?.[key] === undefined)
    for (const key of (issue as z.core.$ZodIssueUnrecognizedKeys).keys) {
      const path = [...issue.path, key]
      const guess = closest(key, free)
      if (guess) suggested.add(formatPath([...issue.path, guess]))
      const hint = guess
        ? `: did you mean \`${guess}\`?`
        : known.length > 0
          ? ` (known: ${known.map((k) => `\`${k}\``).join(', ')})`
          : ''
      parts.push(
        `unknown ${options.key ?? 'key'} \`${formatPath([...prefix, ...path])}\`, given ${describeValue(valueAt(value, path))}${hint}`,
      )
    }
  }
  for (const issue of flat) {
    if (issue.code === 'unrecognized_keys') continue
    const bad = valueAt(value, issue.path)
    // A required key missing next to its misspelling is already named by the did-you-mean.
    if (bad === undefined && suggested.has(formatPath(issue.path))) continue
    const path = [...prefix, ...issue.path]
    const what =
      path.length === 0 && issue.code === 'invalid_type' && options.root
        ? `expected ${options.root}`
        : `\`${formatPath(path)}\` ${issue.message}`
    // A message of the schema's own may name the value already ("…, got 11").
    parts.push(/\bgot\b/.test(issue.message) ? what : `${what}, got ${describeValue(bad)}`)
  }
  const max = options.max ?? 5
  const shown = parts.slice(0, max)
  const more = parts.length - max
  if (more > 0) shown.push(`and ${more} more problem${more === 1 ? '' : 's'}`)
  return shown.join('; ')
}

/** A path as code would write it: `sandbox.limits.memory`, `graders[1]`, `(root)` for the root. */
export function formatPath(path: readonly Key[]): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else out += out === '' ? String(key) : `.${String(key)}`
  }
  return out === '' ? '(root)' : out
}

/** Renders a value for an error message: strings quoted, long values cut, type named. */
export function describeValue(value: unknown): string {
  let shown: string
  if (typeof value === 'string') shown = JSON.stringify(value)
  else if (typeof value === 'function') shown = `[function ${value.name || 'anonymous'}]`
  else if (value === undefined) shown = 'undefined'
  else if (value instanceof RegExp) shown = String(value)
  else {
    try {
      shown = JSON.stringify(value) ?? String(value)
    } catch {
      shown = String(value)
    }
  }
  if (shown.length > 80) shown = `${shown.slice(0, 77)}...`
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value
  return `\`${shown}\` (${type})`
}

/** The known word closest to `word` (case ignored, a swap of two letters one edit), if close enough. */
export function closest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of known) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  const close = bestDistance <= Math.max(1, Math.floor(word.length / 3)) && bestDistance < word.length
  return close ? best : undefined
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1)
      d[i]![j] = best
    }
  }
  return d[a.length]![b.length]!
}

/**
 * A union's issue replaced by the issues of the branch the value was meant for: a branch that
 * failed deeper than the value's type, else one whose values are of the value's type. When no
 * branch fits, one issue listing what each branch takes.
 */
function flatten(issue: Issue, at: readonly Key[], root: unknown): Issue[] {
  const path = [...at, ...issue.path]
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [{ ...issue, path } as Issue]
  const given = valueAt(root, path)
  const fitness = (branch: readonly Issue[]): number => {
    const single = branch.length === 1 && branch[0]!.path.length === 0 ? branch[0]! : undefined
    if (single?.code === 'invalid_type') return 0
    if (single?.code === 'invalid_value') return single.values.some((v) => typeof v === typeof given) ? 1 : 0
    return 2
  }
  const best = Math.max(...issue.errors.map(fitness))
  const meant = best > 0 ? issue.errors.find((branch) => fitness(branch) === best) : undefined
  if (meant) return meant.flatMap((inner) => flatten(inner, path, root))
  const wanted = issue.errors.flatMap((branch) => {
    const first = branch[0]
    if (first?.code === 'invalid_value') return first.values.map((v) => JSON.stringify(v))
    if (first?.code === 'invalid_type') return [article(first.expected)]
    return []
  })
  return [
    { ...issue, path, message: wanted.length > 0 ? `must be ${listOr(wanted)}` : issue.message } as Issue,
  ]
}

/**
 * Zod's default messages, worded as what the option must be (a schema's own message wins).
 * Passed to `safeParse` for one parse, so zod's global configuration is left alone.
 */
function expectation(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required'
      return `must be ${article(issue.expected === 'int' ? 'integer' : issue.expected)}`
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small'
      const limit = Number(small ? issue.minimum : issue.maximum)
      if (issue.origin === 'string' || issue.origin === 'array' || issue.origin === 'set') {
        if (small && limit === 1) return 'must not be empty'
        const unit = issue.origin === 'string' ? 'characters' : 'items'
        return `must have ${small ? 'at least' : 'at most'} ${limit} ${unit}`
      }
      if (small && limit === 0 && !issue.inclusive) return 'must be greater than 0'
      return `must be ${issue.inclusive ? (small ? 'at least' : 'at most') : small ? 'greater than' : 'less than'} ${limit}`
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => JSON.stringify(v))
      const guess =
        typeof issue.input === 'string'
          ? closest(
              issue.input,
              issue.values.filter((v): v is string => typeof v === 'string'),
            )
          : undefined
      return `must be ${listOr(values)}${guess ? ` (did you mean ${JSON.stringify(guess)}?)` : ''}`
    }
    case 'invalid_format':
      if (issue.format === 'starts_with') return `must start with ${JSON.stringify(issue.prefix)}`
      if (issue.format === 'regex') return `must match ${issue.pattern}`
      return `must be a valid ${issue.format}`
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`
    default:
      return undefined
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`
}

function listOr(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`
}

function valueAt(root: unknown, path: readonly Key[]): unknown {
  let current = root
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined
    current = (current as Record<Key, unknown>)[key]
  }
  return current
}

type Def = {
  type: string
  shape?: Record<string, z.ZodType>
  innerType?: z.ZodType
  in?: z.ZodType
  options?: z.ZodType[]
  element?: z.ZodType
  valueType?: z.ZodType
  left?: z.ZodType
  right?: z.ZodType
  getter?: () => z.ZodType
}

/** The keys the object schema at `path` knows (unions contribute every object branch's). */
function keysAt(schema: z.ZodType, path: readonly Key[]): string[] {
  const keys = new Set<string>()
  const walk = (node: z.ZodType | undefined, rest: readonly Key[], depth: number): void => {
    if (!node || depth > 64) return
    const def = (node as unknown as { _zod: { def: Def } })._zod.def
    const next = (child: z.ZodType | undefined): void => walk(child, rest, depth + 1)
    switch (def.type) {
      case 'object':
        if (rest.length === 0) for (const key of Object.keys(def.shape ?? {})) keys.add(key)
        else walk(def.shape?.[String(rest[0])], rest.slice(1), depth + 1)
        return
      case 'union':
        for (const option of def.options ?? []) next(option)
        return
      case 'intersection':
        next(def.left)
        next(def.right)
        return
      case 'array':
        if (typeof rest[0] === 'number') walk(def.element, rest.slice(1), depth + 1)
        return
      case 'record':
        if (rest.length > 0) walk(def.valueType, rest.slice(1), depth + 1)
        return
      case 'pipe':
        next(def.in)
        return
      case 'lazy':
        next(def.getter?.())
        return
      default:
        next(def.innerType)
    }
  }
  walk(schema, path, 0)
  return [...keys]
}
