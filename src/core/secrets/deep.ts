/**
 * Applies `redact` to every string (and key) of a JSON-like value; returns a copy. Plain
 * objects and arrays are copied; with `json`, any other object is copied as JSON would write
 * it (its `toJSON()`, else its own enumerable fields), so nothing of it escapes redaction.
 */
export function redactDeep<T>(value: T, redact: (text: string) => string, json = false): T {
  if (typeof value === 'string') return redact(value) as T
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redact, json)) as T
  const prototype = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) {
    if (!json) return value
    const toJSON = (value as { toJSON?: unknown }).toJSON
    if (typeof toJSON === 'function') return redactDeep(toJSON.call(value), redact, json) as T
  }
  const copy: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) copy[redact(key)] = redactDeep(item, redact, json)
  return copy as T
}

/**
 * `redactDeep(value, redactor.redact, true)`, sparing the copy when nothing needs redacting:
 * every key and string of a plain-JSON value is probed in one pass (joined by newlines, which
 * no secret shape matches across: a match inside one string is a match in the joined text),
 * and the value is returned as it is when nothing matches. A value holding anything but plain
 * objects, arrays and primitives goes the copying way. For a case's result entry, where a
 * regular expression run per field was most of the cost.
 */
export function redactJson<T>(
  value: T,
  redactor: { redact: (text: string) => string; find: (text: string) => string | undefined },
): T {
  const texts: string[] = []
  if (plainTexts(value, texts) && redactor.find(texts.join('\n')) === undefined) return value
  return redactDeep(value, redactor.redact, true)
}

/** Collects the strings and keys of `value`; false when it holds a non-plain object. */
function plainTexts(value: unknown, into: string[]): boolean {
  if (typeof value === 'string') {
    into.push(value)
    return true
  }
  if (typeof value !== 'object' || value === null) return typeof value !== 'function'
  if (Array.isArray(value)) return value.every((item) => plainTexts(item, into))
  const prototype = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) return false
  for (const [key, item] of Object.entries(value)) {
    into.push(key)
    if (!plainTexts(item, into)) return false
  }
  return true
}

/**
 * Redacts a thrown value in place before Vitest sees it: an error's message and stack, and the
 * strings of its own fields (an assertion's `actual` and `expected`, which Vitest turns into a
 * diff) and of its causes. Anything else thrown that is a string is redacted; returns the value
 * to throw.
 */
export function redactThrown(thrown: unknown, redact: (text: string) => string, depth = 0): unknown {
  if (typeof thrown === 'string') return redact(thrown)
  if (!(thrown instanceof Error) || depth > 4) return thrown
  const fields = thrown as unknown as Record<string, unknown>
  for (const key of Object.getOwnPropertyNames(thrown)) {
    const value = fields[key]
    try {
      if (key === 'cause' || value instanceof Error) fields[key] = redactThrown(value, redact, depth + 1)
      else if (typeof value === 'string' || typeof value === 'object') fields[key] = redactDeep(value, redact)
    } catch {
      // A read-only field keeps its value.
    }
  }
  return thrown
}
