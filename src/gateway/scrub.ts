/**
 * Removes the real keys from bytes going back to the agent (an upstream may echo a key in an
 * error, or a misconfigured proxy in anything). Works on a stream without delaying it: a chunk
 * is passed on at once except for a tail that could be the start of a key, the only bytes that
 * must wait for the next chunk. SSE events end in a newline, which starts no key, so in
 * practice nothing is held back.
 */
export interface Scrubber {
  push(chunk: Buffer): Buffer
  end(): Buffer
}

const REPLACEMENT = Buffer.from('[REDACTED]')

export function createScrubber(secrets: readonly string[]): Scrubber {
  const keys = [...new Set(secrets.filter((secret) => secret.length >= 8))].map((secret) =>
    Buffer.from(secret),
  )
  let held: Buffer = Buffer.alloc(0)

  function replace(buffer: Buffer): Buffer {
    let out = buffer
    for (const key of keys) {
      let at = out.indexOf(key)
      if (at === -1) continue
      const parts: Buffer[] = []
      let from = 0
      while (at !== -1) {
        parts.push(out.subarray(from, at), REPLACEMENT)
        from = at + key.length
        at = out.indexOf(key, from)
      }
      parts.push(out.subarray(from))
      out = Buffer.concat(parts)
    }
    return out
  }

  /** How many bytes at the end of `buffer` are a proper prefix of some key. */
  function pendingTail(buffer: Buffer): number {
    let longest = 0
    for (const key of keys) {
      const first = key[0]
      for (let at = Math.max(0, buffer.length - key.length + 1); at < buffer.length - longest; at++) {
        if (buffer[at] === first && buffer.compare(key, 0, buffer.length - at, at) === 0) {
          longest = buffer.length - at
          break
        }
      }
    }
    return longest
  }

  return {
    push(chunk) {
      if (keys.length === 0) return chunk
      const buffer = replace(held.length === 0 ? chunk : Buffer.concat([held, chunk]))
      const tail = pendingTail(buffer)
      held = Buffer.from(buffer.subarray(buffer.length - tail))
      return buffer.subarray(0, buffer.length - tail)
    },
    end() {
      const rest = held
      held = Buffer.alloc(0)
      return rest
    },
  }
}
