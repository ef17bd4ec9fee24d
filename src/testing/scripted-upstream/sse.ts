import type { ServerResponse } from 'node:http'

/** One server-sent event: its `event:` name (when the protocol names events) and its data. */
export interface SseEvent {
  readonly event?: string
  readonly data: unknown
}

/** Writes events as `text/event-stream`, then ends the response (`done` adds `data: [DONE]`). */
export function sendSse(res: ServerResponse, events: readonly SseEvent[], done = false): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  })
  for (const { event, data } of events)
    res.write(`${event === undefined ? '' : `event: ${event}\n`}data: ${JSON.stringify(data)}\n\n`)
  if (done) res.write('data: [DONE]\n\n')
  res.end()
}

/** Writes a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}
