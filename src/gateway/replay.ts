import type { ServerResponse } from 'node:http'
import { EventLog, recordedBody } from './calls.ts'
import { type CassetteEntry, entryBody } from './cassette.ts'
import { parseJson } from './http-util.ts'
import { createSseParser, eventObject } from './sse.ts'
import type { ProtocolName } from './types.ts'
import { createUsageReader } from './usage-reader.ts'

/**
 * Serves a recorded answer exactly as recorded: the same status, content type and bytes; SSE
 * written event by event, as it streamed, so clients that parse as they read see the same.
 * Returns what the calls file records and the usage read off it, as for a live call.
 */
export function serveEntry(entry: CassetteEntry, protocol: ProtocolName, res: ServerResponse) {
  const answer = entryBody(entry)
  const reader = createUsageReader(protocol)
  let response: unknown
  res.writeHead(entry.status, { 'content-type': entry.contentType })
  if (entry.contentType.includes('text/event-stream')) {
    const text = answer.toString('utf8')
    let from = 0
    for (let at = text.indexOf('\n\n'); at !== -1; at = text.indexOf('\n\n', from)) {
      res.write(text.slice(from, at + 2))
      from = at + 2
    }
    if (from < text.length) res.write(text.slice(from))
    const parser = createSseParser()
    const events = new EventLog()
    for (const event of [...parser.push(answer), ...parser.end()]) {
      events.add(event)
      reader.event(eventObject(event))
    }
    response = events.recorded()
  } else {
    const json = parseJson(answer)
    res.write(answer)
    if (entry.status < 400) reader.body(json)
    response = recordedBody(answer, json)
  }
  res.end()
  return { response, ...reader.result() }
}
