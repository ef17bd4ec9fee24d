/** A secret value and the name shown in its place. */
export interface Secret {
  readonly name: string
  readonly value: string
}

/** Environment variable names whose values are treated as secrets. */
export const SECRET_NAME_PATTERN = /KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL/i

/** Shorter values are ignored: they would redact ordinary words and numbers. */
export const MIN_SECRET_LENGTH = 8

interface Matcher {
  readonly regex: RegExp | undefined
  readonly labels: ReadonlyMap<string, string>
  readonly maxLength: number
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

function compile(secrets: readonly (string | Secret)[]): Matcher {
  const labels = new Map<string, string>()
  for (const secret of secrets) {
    const { name, value } = typeof secret === 'string' ? { name: '', value: secret } : secret
    if (value.length < MIN_SECRET_LENGTH) continue
    const label = name ? `[REDACTED:${name}]` : '[REDACTED]'
    // Transcripts are JSON, where quotes, backslashes and newlines in a value appear escaped.
    for (const variant of [value, JSON.stringify(value).slice(1, -1)]) {
      if (!labels.has(variant)) labels.set(variant, label)
    }
  }
  if (labels.size === 0) return { regex: undefined, labels, maxLength: 0 }
  // Longest first, so a secret that contains another is replaced whole.
  const variants = [...labels.keys()].sort((a, b) => b.length - a.length)
  return {
    regex: new RegExp(variants.map(escapeRegExp).join('|'), 'g'),
    labels,
    maxLength: variants[0]!.length,
  }
}

function replaceAll(text: string, matcher: Matcher): string {
  if (!matcher.regex) return text
  return text.replace(matcher.regex, (match) => matcher.labels.get(match) ?? '[REDACTED]')
}

/**
 * Replaces every occurrence of each secret value with `[REDACTED:NAME]` (`[REDACTED]` for
 * bare strings). Values shorter than 8 characters are ignored.
 */
export function redactSecrets(text: string, secrets: readonly (string | Secret)[]): string {
  return replaceAll(text, compile(secrets))
}

/**
 * The secrets of an environment: values of variables whose names match
 * `SECRET_NAME_PATTERN`, plus the variables named in `names` (or matching `names` when it
 * is a RegExp). Values shorter than 8 characters are skipped.
 */
export function secretsFromEnv(
  names: readonly string[] | RegExp = [],
  env: Readonly<Record<string, string | undefined>> = process.env,
): Secret[] {
  const extra = names instanceof RegExp ? undefined : new Set(names)
  const secrets: Secret[] = []
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.length < MIN_SECRET_LENGTH) continue
    const named = extra ? extra.has(name) : (names as RegExp).test(name)
    if (named || SECRET_NAME_PATTERN.test(name)) secrets.push({ name, value })
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
 * A streaming redactor. It holds back the last (longest secret − 1) characters of what it
 * has seen, so a secret split across chunks is still caught; output concatenated equals
 * `redactSecrets` of the whole input.
 */
export function createStreamRedactor(secrets: readonly (string | Secret)[]): StreamRedactor {
  const matcher = compile(secrets)
  const decoder = new TextDecoder('utf-8')
  let tail = ''
  return {
    push(chunk) {
      const text =
        typeof chunk === 'string' ? decoder.decode() + chunk : decoder.decode(chunk, { stream: true })
      const buffer = tail + text
      if (!matcher.regex) {
        tail = ''
        return buffer
      }
      // Any secret not yet complete in the buffer starts at or after `safe`.
      const safe = buffer.length - (matcher.maxLength - 1)
      let out = ''
      let last = 0
      let cut = Math.max(0, safe)
      for (const match of buffer.matchAll(matcher.regex)) {
        if (match.index >= safe) break
        out += buffer.slice(last, match.index) + (matcher.labels.get(match[0]) ?? '[REDACTED]')
        last = match.index + match[0].length
        cut = Math.max(cut, last)
      }
      // Never split a surrogate pair between two outputs.
      if (cut > last && isHighSurrogate(buffer.charCodeAt(cut - 1))) cut--
      out += buffer.slice(last, cut)
      tail = buffer.slice(cut)
      return out
    },
    end() {
      const rest = tail + decoder.decode()
      tail = ''
      return replaceAll(rest, matcher)
    },
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}

/** Redaction for one environment, for whole texts and for streams. */
export interface Redactor {
  readonly secrets: readonly Secret[]
  redact(text: string): string
  stream(): StreamRedactor
}

/** A redactor for the secrets of `env` (see `secretsFromEnv`). */
export function createRedactor(
  names: readonly string[] | RegExp = [],
  env: Readonly<Record<string, string | undefined>> = process.env,
): Redactor {
  const secrets = secretsFromEnv(names, env)
  const matcher = compile(secrets)
  return {
    secrets,
    redact: (text) => replaceAll(text, matcher),
    stream: () => createStreamRedactor(secrets),
  }
}
