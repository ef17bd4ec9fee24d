/** One server-sent event: its `event:` name (if any) and its `data:` lines joined by newlines. */
export interface SseEvent {
  readonly event?: string
  readonly data: string
}

/**
 * An incremental parser of `text/event-stream`: feed it the bytes as they arrive (a chunk may
 * end anywhere, inside a line or a UTF-8 character), get back the events completed so far. The
 * gateway tees the upstream's stream into it to read usage without holding the stream back.
 */
export interface SseParser {
  push(chunk: Uint8Array | string): SseEvent[]
  /** The last event, when the stream ended without its blank line. */
  end(): SseEvent[]
}

export function createSseParser(): SseParser {
  const decoder = new TextDecoder('utf-8')
  let buffer = ''
  let data: string[] = []
  let event: string | undefined

  function line(text: string, out: SseEvent[]): void {
    if (text === '') {
      if (data.length > 0)
        out.push(event === undefined ? { data: data.join('\n') } : { event, data: data.join('\n') })
      data = []
      event = undefined
      return
    }
    if (text.startsWith(':')) return
    const colon = text.indexOf(':')
    const field = colon === -1 ? text : text.slice(0, colon)
    let value = colon === -1 ? '' : text.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'data') data.push(value)
    else if (field === 'event') event = value
  }

  function drain(out: SseEvent[]): void {
    let start = 0
    for (;;) {
      const lf = buffer.indexOf('\n', start)
      const cr = buffer.indexOf('\r', start)
      if (lf === -1 && cr === -1) break
      let end: number
      let next: number
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        // A lone CR ends a line too; CRLF is one break. A CR at the very end may be half of one.
        if (cr === buffer.length - 1) break
        end = cr
        next = buffer[cr + 1] === '\n' ? cr + 2 : cr + 1
      } else {
        end = lf
        next = lf + 1
      }
      line(buffer.slice(start, end), out)
      start = next
    }
    buffer = buffer.slice(start)
  }

  return {
    push(chunk) {
      buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })
      const out: SseEvent[] = []
      drain(out)
      return out
    },
    end() {
      buffer += decoder.decode()
      const out: SseEvent[] = []
      drain(out)
      if (buffer !== '') line(buffer.replace(/\r$/, ''), out)
      buffer = ''
      line('', out)
      return out
    },
  }
}

/** The event's data as JSON, or the text itself when it is not JSON (`[DONE]`). */
export function eventJson(event: SseEvent): unknown {
  try {
    return JSON.parse(event.data)
  } catch {
    return event.data
  }
}

/** The event's data when it is a JSON object (what usage is read from), else undefined. */
export function eventObject(event: SseEvent): unknown {
  if (event.data[0] !== '{') return undefined
  try {
    return JSON.parse(event.data)
  } catch {
    return undefined
  }
}
