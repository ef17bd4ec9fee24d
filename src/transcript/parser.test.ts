import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { isUnparsed, type TranscriptEvent } from './events.ts'
import { createTranscriptParser, parseTranscript } from './parser.ts'

const fixture = (name: string): Buffer => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url))

function parseChunks(chunks: readonly (string | Uint8Array)[]): TranscriptEvent[] {
  const parser = createTranscriptParser({ now: () => 0 })
  for (const chunk of chunks) parser.push(chunk)
  parser.end()
  return [...parser.events]
}

describe('createTranscriptParser', () => {
  it('parses a whole transcript into one event per non-blank line', () => {
    const events = parseChunks([fixture('success-tools.ndjson')])
    expect(events).toHaveLength(17)
    const counts: Record<string, number> = {}
    for (const event of events) counts[String(event.type)] = (counts[String(event.type)] ?? 0) + 1
    expect(counts).toEqual({ system: 1, assistant: 9, user: 6, result: 1 })
    expect(events[0]?.type).toBe('system')
    expect(events[16]?.type).toBe('result')
    expect(events.some(isUnparsed)).toBe(false)
  })

  it('gives the same events when fed byte by byte (multi-byte characters split)', () => {
    const bytes = fixture('success-tools.ndjson')
    const whole = parseChunks([bytes])
    const chunks = Array.from(bytes, (byte) => Uint8Array.of(byte))
    expect(parseChunks(chunks)).toEqual(whole)
    const final = whole[whole.length - 1] as { result: string }
    expect(final.result).toContain('✓ — notes in review.md. 🎉')
  })

  it('gives the same events for every split of the input into two chunks', () => {
    const bytes = fixture('max-turns.ndjson')
    const whole = parseChunks([bytes])
    for (let i = 0; i <= bytes.length; i++) {
      const events = parseChunks([bytes.subarray(0, i), bytes.subarray(i)])
      if (JSON.stringify(events) !== JSON.stringify(whole))
        expect.fail(`split at byte ${i} changed the events`)
    }
    expect(whole).toHaveLength(9)
  })

  it('accepts string chunks split anywhere', () => {
    const text = fixture('non-object-lines.ndjson').toString('utf8')
    const whole = parseTranscript(text)
    for (const size of [1, 2, 7, 64]) {
      const chunks: string[] = []
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size))
      expect(parseChunks(chunks)).toEqual(whole)
    }
  })

  it('keeps lines that are not JSON as unparsed events, skips blank lines, strips \\r', () => {
    const events = parseChunks([fixture('malformed-lines.ndjson')])
    expect(events.map((event) => event.type)).toEqual([
      'system',
      'unparsed',
      'assistant',
      'unparsed',
      'result',
    ])
    expect(events[1]).toEqual({
      type: 'unparsed',
      line: 'Warning: NODE_TLS_REJECT_UNAUTHORIZED is set; TLS verification is disabled.',
      error: expect.stringMatching(/JSON/),
    })
    expect((events[3] as { line: string }).line).toMatch(/^\{"type":"assistant".*"unterminated$/)
  })

  it('keeps JSON values that are not objects as unparsed events naming the type', () => {
    const events = parseChunks([fixture('non-object-lines.ndjson')])
    const unparsed = events.filter(isUnparsed)
    expect(unparsed.map((event) => [event.line, event.error])).toEqual([
      ['[1,2,3]', 'Expected a JSON object, got an array'],
      ['"just a string"', 'Expected a JSON object, got a string'],
      ['42', 'Expected a JSON object, got a number'],
      ['null', 'Expected a JSON object, got null'],
      ['true', 'Expected a JSON object, got a boolean'],
    ])
    expect(events).toHaveLength(9)
  })

  it('parses a last line without a newline only on end(), and end() twice is harmless', () => {
    const parser = createTranscriptParser()
    parser.push('{"type":"system","subtype":"init","model":"m"}\n{"type":"result","num_turns":2}')
    expect(parser.events).toHaveLength(1)
    parser.end()
    parser.end()
    parser.push('{"type":"late"}\n')
    expect(parser.events.map((event) => event.type)).toEqual(['system', 'result'])
    expect(parser.metrics().turns).toBe(2)
  })

  it('stamps each event with the time its line completed and reports each to onEvent', () => {
    let clock = 100
    const seen: [string, number | undefined][] = []
    const parser = createTranscriptParser({
      now: () => clock,
      onEvent: (entry) => seen.push([String(entry.event.type), entry.at]),
    })
    clock = 150
    parser.push('{"type":"system","subtype":"init"}\n{"type":"assis')
    clock = 900
    parser.push('tant","message":{"id":"a","content":[]}}\n')
    expect(seen).toEqual([
      ['system', 150],
      ['assistant', 900],
    ])
    expect(parser.startedAt).toBe(100)
    expect(parser.metrics()).toMatchObject({ firstResponseMs: 800, turns: 1 })
  })

  it('reads metrics mid-stream after a timeout cut a line in half', () => {
    const lines = fixture('timeout-cut.ndjson')
      .toString('utf8')
      .split(/(?<=\n)/)
    expect(lines).toHaveLength(8)
    const times = [1100, 4000, 4010, 9000, 12_000, 20_000, 26_000, 30_000]
    let clock = 1000
    const parser = createTranscriptParser({ now: () => clock })
    lines.forEach((line, i) => {
      clock = times[i]!
      parser.push(line)
    })
    // The agent is killed here; nothing ended the stream yet.
    expect(parser.metrics({ timedOut: true })).toEqual({
      turns: 3,
      toolSummary: { Bash: 3 },
      lastToolCall: 'Bash(npm test -- --watch=false --reporter=verbose)',
      firstResponseMs: 3000,
      maxInterTurnMs: 14_000,
      timeoutAtTurn: 3,
      tokens: { input: 15, output: 166, cacheRead: 10_380, cacheWrite: 5380 },
      model: 'claude-sonnet-4-6',
      finalMessage: 'Installing dependencies before running the suite.',
    })
    clock = 31_000
    parser.end()
    const last = parser.events[parser.events.length - 1]!
    expect(isUnparsed(last)).toBe(true)
    expect((last as { line: string }).line.startsWith('{"type":"user"')).toBe(true)
    expect(parser.metrics().timeoutAtTurn).toBeUndefined()
  })

  it('keeps events for the first maxBytes of lines only, and counts every event in the metrics', () => {
    const parser = createTranscriptParser({ maxBytes: 120 })
    const line = (id: string) => `{"type":"assistant","message":{"id":"${id}","content":[]}}\n`
    for (let i = 0; i < 10; i++) parser.push(line(`m${i}`))
    expect(parser.events).toHaveLength(2)
    // A line's bytes are counted without its newline.
    expect(parser.droppedBytes).toBe(8 * (line('m0').length - 1))
    expect(parser.metrics().turns).toBe(10)
  })

  it('does not hold a line longer than maxBytes; it becomes one unparsed event and parsing goes on', () => {
    const parser = createTranscriptParser({ maxBytes: 1000 })
    parser.push('{"type":"user","text":"')
    for (let i = 0; i < 100; i++) parser.push('é'.repeat(500))
    parser.push('"}\n{"type":"result","num_turns":4}\n')
    expect(parser.events).toHaveLength(2)
    const long = parser.events[0] as { type: string; line: string; error: string }
    expect(long.type).toBe('unparsed')
    expect(long.line.startsWith('{"type":"user","text":"é')).toBe(true)
    expect(long.error).toBe('a line of 100025 bytes is longer than maxOutputBytes (1000); not parsed')
    expect(parser.metrics().turns).toBe(4)
  })
})
