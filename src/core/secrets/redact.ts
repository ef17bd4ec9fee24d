import { KEY_SHAPES, type KeyShape, SHAPE_HOLD } from './key-shapes.ts'

/** A secret value and the name shown in its place. */
export interface Secret {
  readonly name: string
  readonly value: string
}

/** Environment variable names whose values are treated as secrets. */
export const SECRET_NAME_PATTERN =
  /KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|PRIVATE|AUTH(?!OR)|COOKIE|DSN/i

/**
 * Shorter values are not redacted: they would shred ordinary words and numbers (a `DEBUG_KEY`
 * of `1`, a `PASSWORD` of `test`). Key shapes are longer than this anyway.
 */
export const MIN_SECRET_LENGTH = 8

/** A stream emits once this much is ready beyond what it holds back. */
const BATCH = 2048

/** A stream never holds back more than this; a longer pending match is redacted as it stands. */
const MAX_HOLD = 65_536

interface Matcher {
  readonly regex: RegExp
  /** The same, not global: for `find`. */
  readonly probe: RegExp
  /** The secret's name for each literal variant; '' for bare strings. */
  readonly labels: ReadonlyMap<string, string>
  /** What each numbered group of the regex stands for. */
  readonly groups: readonly Group[]
  /** How many characters a stream must hold back so a match is never cut. */
  readonly hold: number
}

/** A group of the regex: the literal values, their cut-off prefixes, or one key shape. */
type Group =
  | { readonly kind: 'literal' }
  | { readonly kind: 'prefix' }
  | { readonly kind: 'shape'; readonly shape: KeyShape }

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

const matchers = new Map<string, Matcher>()

/** The matcher of a list of secrets: one regex, compiled once per distinct list. */
function matcherFor(secrets: readonly (string | Secret)[]): Matcher {
  const labels = new Map<string, string>()
  for (const secret of secrets) {
    const { name, value } = typeof secret === 'string' ? { name: '', value: secret } : secret
    if (value.length < MIN_SECRET_LENGTH) continue
    // JSON text (transcripts, result files) has quotes, backslashes and newlines escaped.
    for (const variant of [value, JSON.stringify(value).slice(1, -1)]) {
      if (!labels.has(variant)) labels.set(variant, name)
    }
  }
  const key = [...labels].flat().join('\0')
  let matcher = matchers.get(key)
  if (!matcher) {
    matcher = compile(labels)
    if (matchers.size >= 32) matchers.clear()
    matchers.set(key, matcher)
  }
  return matcher
}

/** Shown prefixes shorter than this are left alone (`abc...` is no leak). */
const MIN_PREFIX = 4

/**
 * A cut-off start of `value` (4 characters or more) right before `...` or `…`: what a
 * grader's snippet of an output shows when its cut falls inside a secret.
 */
function prefixSource(value: string): string {
  let nested = ''
  for (let i = value.length - 2; i >= MIN_PREFIX; i--) nested = `(?:${escapeRegExp(value[i]!)}${nested})?`
  return `${escapeRegExp(value.slice(0, MIN_PREFIX))}${nested}(?=\\.\\.\\.|…)`
}

function compile(labels: Map<string, string>): Matcher {
  // Longest first, so a secret that contains another is replaced whole; literals before shapes,
  // so a key that is also in the environment is named after its variable.
  const variants = [...labels.keys()].sort((a, b) => b.length - a.length)
  const sources: string[] = []
  const groups: Group[] = []
  if (variants.length > 0) {
    sources.push(`(${variants.map(escapeRegExp).join('|')})`, `(${variants.map(prefixSource).join('|')})`)
    groups.push({ kind: 'literal' }, { kind: 'prefix' })
  }
  for (const shape of KEY_SHAPES) {
    sources.push(`(${shape.source})`)
    groups.push({ kind: 'shape', shape })
  }
  const source = sources.join('|')
  return {
    regex: new RegExp(source, 'g'),
    probe: new RegExp(source),
    labels,
    groups,
    hold: Math.max(SHAPE_HOLD, variants[0]?.length ?? 0),
  }
}

/** The name of the secret or shape that matched (`groups[0]` is the match, then the groups). */
function nameOf(matcher: Matcher, groups: ArrayLike<unknown>): { name: string; shape?: KeyShape } {
  const match = groups[0] as string
  for (let i = 0; i < matcher.groups.length; i++) {
    if (groups[i + 1] === undefined) continue
    const group = matcher.groups[i]!
    if (group.kind === 'shape') return { name: group.shape.name, shape: group.shape }
    if (group.kind === 'literal') return { name: matcher.labels.get(match) ?? '' }
    for (const [variant, name] of matcher.labels) if (variant.startsWith(match)) return { name }
  }
  return { name: '' }
}

/** What replaces one match. */
function replacement(matcher: Matcher, groups: ArrayLike<unknown>): string {
  const { name, shape } = nameOf(matcher, groups)
  const label = name ? `[REDACTED:${name}]` : '[REDACTED]'
  return shape?.replace ? shape.replace(groups[0] as string, label) : label
}

function replaceAll(text: string, matcher: Matcher): string {
  if (text.length < MIN_SECRET_LENGTH) return text
  return text.replace(matcher.regex, (...groups) => replacement(matcher, groups))
}

/** Redacts `scan` from `offset` on; what comes before is context for look-behinds only. */
function replaceFrom(scan: string, offset: number, matcher: Matcher): string {
  if (offset === 0) return replaceAll(scan, matcher)
  let out = ''
  let last = offset
  for (const match of scan.matchAll(matcher.regex)) {
    const end = match.index + match[0].length
    if (end <= offset) continue
    out += scan.slice(last, Math.max(match.index, offset)) + replacement(matcher, match)
    last = end
  }
  return out + scan.slice(last)
}

/**
 * Replaces every occurrence of each secret value with `[REDACTED:NAME]` (`[REDACTED]` for
 * bare strings), and every key shape (`sk-ant-…`, `ghp_…`, PEM private keys… see
 * `KEY_SHAPES`) with `[REDACTED:<shape>]`. Values shorter than 8 characters are ignored.
 */
export function redactSecrets(text: string, secrets: readonly (string | Secret)[]): string {
  return replaceAll(text, matcherFor(secrets))
}

/** Names listed here (comma- or space-separated) are secrets in every process that reads it. */
export const SECRETS_VARIABLE = 'EVALBOX_SECRETS'

function declaredIn(env: Readonly<Record<string, string | undefined>>): string[] {
  return (env[SECRETS_VARIABLE] ?? '').split(/[\s,]+/).filter(Boolean)
}

/**
 * The secrets of an environment: values of variables whose names match
 * `SECRET_NAME_PATTERN`, plus the variables named in `names` (or matching `names` when it
 * is a RegExp) or in the environment's `EVALBOX_SECRETS`. Values shorter than 8 characters
 * are skipped.
 */
export function secretsFromEnv(
  names: readonly string[] | RegExp = [],
  env: Readonly<Record<string, string | undefined>> = process.env,
): Secret[] {
  if (env === process.env && !(names instanceof RegExp)) return processSecrets(names)
  const extra = names instanceof RegExp ? undefined : new Set([...names, ...declaredIn(env)])
  const secrets: Secret[] = []
  for (const name in env) {
    const value = env[name]
    if (value === undefined || value.length < MIN_SECRET_LENGTH || name === SECRETS_VARIABLE) continue
    const named = extra ? extra.has(name) : (names as RegExp).test(name) || declaredIn(env).includes(name)
    if (named || SECRET_NAME_PATTERN.test(name)) secrets.push({ name, value })
  }
  return secrets
}

let processNamed: Secret[] | undefined

/**
 * The secrets of `process.env`. Reading the whole environment costs about 0.2 ms, so the
 * secret-looking variables are read once per process (at the first case, or the first console
 * line); variables named in `names` are read each time.
 */
function processSecrets(names: readonly string[]): Secret[] {
  processNamed ??= secretsFromEnv([], { ...process.env })
  if (names.length === 0) return processNamed
  const secrets = [...processNamed]
  for (const name of names) {
    const value = process.env[name]
    if (value !== undefined && value.length >= MIN_SECRET_LENGTH && !secrets.some((s) => s.name === name))
      secrets.push({ name, value })
  }
  return secrets
}

/** Redacts text that arrives in chunks, where a secret may straddle two chunks. */
export interface StreamRedactor {
  /** Returns the redacted text that is safe to emit now; holds back a short tail. */
  push(chunk: string | Uint8Array): string
  /** Returns the rest. */
  end(): string
}

/**
 * A streaming redactor. It holds back the last 256 characters (or the longest secret, when
 * longer) and any match that may still grow, and emits in batches of about 2 KiB, so a secret split across chunks is still
 * caught; output concatenated equals `redactSecrets` of the whole input. (A match that keeps
 * growing past 64 KiB is redacted as it stands.)
 */
export function createStreamRedactor(secrets: readonly (string | Secret)[]): StreamRedactor {
  return streamOf(matcherFor(secrets))
}

function streamOf(matcher: Matcher): StreamRedactor {
  const { hold } = matcher
  const decoder = new TextDecoder('utf-8')
  /** Not yet emitted. */
  let tail = ''
  /** The last characters emitted (as they were): context for look-behinds. */
  let context = ''
  return {
    push(chunk) {
      const text =
        typeof chunk === 'string' ? decoder.decode() + chunk : decoder.decode(chunk, { stream: true })
      const buffer = tail + text
      // Emitting in batches keeps each character to about one scan.
      if (buffer.length <= hold + BATCH) {
        tail = buffer
        return ''
      }
      const scan = context + buffer
      const offset = context.length
      // A match is final once `hold` characters follow it; one that ends later may still grow.
      const safe = scan.length - hold
      let out = ''
      let last = offset
      let cut = safe
      for (const match of scan.matchAll(matcher.regex)) {
        const end = match.index + match[0].length
        if (end <= offset) continue
        const start = Math.max(match.index, offset)
        if (end > safe) {
          cut = Math.min(cut, start)
          break
        }
        out += scan.slice(last, start) + replacement(matcher, match)
        last = end
      }
      cut = Math.max(cut, last)
      // Never split a surrogate pair between two outputs.
      if (cut > last && isHighSurrogate(scan.charCodeAt(cut - 1))) cut--
      out += scan.slice(last, cut)
      tail = scan.slice(cut)
      context = scan.slice(Math.max(0, cut - hold), cut)
      if (tail.length > MAX_HOLD) {
        out += replaceFrom(context + tail, context.length, matcher)
        context = tail.slice(-hold)
        tail = ''
      }
      return out
    },
    end() {
      const rest = tail + decoder.decode()
      tail = ''
      return replaceFrom(context + rest, context.length, matcher)
    },
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}

/** Redaction for one set of secrets (plus every key shape), for whole texts and for streams. */
export interface Redactor {
  readonly secrets: readonly Secret[]
  redact(text: string): string
  /** The name of the first secret or key shape in `text` (as in its label), if any. */
  find(text: string): string | undefined
  stream(): StreamRedactor
}

/** A redactor for these secrets and every key shape. */
export function redactorOf(secrets: readonly Secret[]): Redactor {
  const matcher = matcherFor(secrets)
  return {
    secrets,
    redact: (text) => replaceAll(text, matcher),
    find(text) {
      if (text.length < MIN_SECRET_LENGTH) return undefined
      const match = matcher.probe.exec(text)
      return match ? nameOf(matcher, match).name || 'a secret' : undefined
    },
    stream: () => streamOf(matcher),
  }
}

const NO_NAMES: readonly string[] = []
let last: { names: readonly string[]; values: string; redactor: Redactor } | undefined

/**
 * A redactor for the secrets of `env` (see `secretsFromEnv`) and every key shape. Callers
 * make one per string they redact (every result field of every case): for this process's
 * environment and the same list of names, the last redactor is reused while the named
 * variables keep their values.
 */
export function createRedactor(
  names: readonly string[] | RegExp = NO_NAMES,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Redactor {
  if (env !== process.env || names instanceof RegExp) return redactorOf(secretsFromEnv(names, env))
  const values = names.map((name) => process.env[name] ?? '').join('\0')
  if (last?.names !== names || last.values !== values)
    last = { names, values, redactor: redactorOf(processSecrets(names)) }
  return last.redactor
}
