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
