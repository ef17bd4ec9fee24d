/** One server-sent event as a test reads it off the wire. */
export interface ReadEvent {
  readonly event?: string
  readonly data: unknown
}

/** Reads a whole `text/event-stream` body into its events (`[DONE]` kept as the string). */
export async function readSse(response: Response): Promise<ReadEvent[]> {
  const text = await response.text()
  const events: ReadEvent[] = []
  for (const block of text.split('\n\n')) {
    if (block.trim() === '') continue
    let event: string | undefined
    const data: string[] = []
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7)
      else if (line.startsWith('data: ')) data.push(line.slice(6))
    }
    const joined = data.join('\n')
    events.push({
      ...(event === undefined ? {} : { event }),
      data: joined === '[DONE]' ? joined : JSON.parse(joined),
    })
  }
  return events
}

/** POSTs `body` as JSON. */
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
