/** A small server-sent-events reader for tests that call the scripted upstream over real HTTP. */

/** One event as read off the wire. */
export interface ReadSseEvent {
  readonly event?: string
  /** The `data:` text, parsed as JSON when it is JSON (`[DONE]` stays a string). */
  readonly data: unknown
}

/** Reads a whole `text/event-stream` body into its events (blank-line separated blocks). */
export async function readSse(response: Response): Promise<ReadSseEvent[]> {
  const text = await response.text()
  const events: ReadSseEvent[] = []
  for (const block of text.split(/\r?\n\r?\n/)) {
    let event: string | undefined
    const data: string[] = []
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim()
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''))
    }
    if (data.length === 0) continue
    const joined = data.join('\n')
    let parsed: unknown = joined
    try {
      parsed = JSON.parse(joined)
    } catch {}
    events.push(event === undefined ? { data: parsed } : { event, data: parsed })
  }
  return events
}

/** POSTs JSON to `url` and returns the response. */
export function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
}
