import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  createReplayer,
  jsonDiff,
  loadCassette,
  maskVolatile,
  normaliseRequest,
  requestHash,
  VOLATILE_VALUES,
} from './cassette.ts'
import { resolveModelMode, upstreamsFromEnv } from './config.ts'
import { routeOf, upstreamUrl } from './protocols.ts'
import { createScrubber } from './scrub.ts'
import { createSseParser } from './sse.ts'
import { createUsageReader } from './usage-reader.ts'

describe('createSseParser', () => {
  it('parses events split anywhere, CRLF and CR included, comments skipped', () => {
    const text = 'event: a\r\ndata: {"x":1}\r\n\r\n: ping\n\ndata: line1\ndata: line2\n\rdata: é\r\r'
    for (let cut = 0; cut <= text.length; cut++) {
      const parser = createSseParser()
      const bytes = Buffer.from(text)
      const at = Buffer.byteLength(text.slice(0, cut))
      const events = [
        ...parser.push(bytes.subarray(0, at)),
        ...parser.push(bytes.subarray(at)),
        ...parser.end(),
      ]
      expect(events).toEqual([{ event: 'a', data: '{"x":1}' }, { data: 'line1\nline2' }, { data: 'é' }])
    }
  })

  it('splits a UTF-8 character across chunks without mangling it', () => {
    const parser = createSseParser()
    const bytes = Buffer.from('data: ü\n\n')
    expect(parser.push(bytes.subarray(0, 7))).toEqual([])
    expect(parser.push(bytes.subarray(7))).toEqual([{ data: 'ü' }])
  })
})

describe('createScrubber', () => {
  const key = 'sk-real-key-0123456789'
  it('removes a key split across chunks and holds back only a possible key start', () => {
    const scrubber = createScrubber([key])
    const out = [
      scrubber.push(Buffer.from('data: the key is sk-real')),
      scrubber.push(Buffer.from('-key-0123456789 ok\n\n')),
      scrubber.end(),
    ]
    expect(out[0]!.toString()).toBe('data: the key is ')
    expect(Buffer.concat(out).toString()).toBe('data: the key is [REDACTED] ok\n\n')
  })

  it('passes text ending in a newline through whole, at once', () => {
    const scrubber = createScrubber([key])
    expect(scrubber.push(Buffer.from('data: {"s":"sk-"}\n\n')).toString()).toBe('data: {"s":"sk-"}\n\n')
  })
})

describe('usage readers', () => {
  it('anthropic: a message_delta with cumulative input counts wins over message_start', () => {
    const reader = createUsageReader('anthropic')
    reader.event({
      type: 'message_start',
      message: { model: 'claude-x', usage: { input_tokens: 5, output_tokens: 1 } },
    })
    reader.event({
      type: 'message_delta',
      usage: { input_tokens: 7, output_tokens: 9, cache_read_input_tokens: 3 },
    })
    expect(reader.result()).toEqual({
      model: 'claude-x',
      usage: { input: 7, output: 9, cacheRead: 3, cacheWrite: 0 },
    })
  })

  it('gemini: the last chunk with usageMetadata wins, thoughts are output, models/ is stripped', () => {
    const reader = createUsageReader('gemini')
    reader.body([
      {
        usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 1 },
        modelVersion: 'models/gemini-2.5-flash',
      },
      { usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 4, thoughtsTokenCount: 6 } },
    ])
    expect(reader.result()).toEqual({
      model: 'gemini-2.5-flash',
      usage: { input: 10, output: 10, cacheRead: 0, cacheWrite: 0 },
    })
  })

  it('says nothing of usage it did not see', () => {
    const reader = createUsageReader('openai-chat')
    reader.event({ model: 'gpt-4.1', choices: [] })
    expect(reader.result()).toEqual({ model: 'gpt-4.1' })
  })
})

describe('routes', () => {
  it('forwards only the model endpoints, rebuilding the upstream path', () => {
    expect(routeOf('POST', '/responses', {})).toMatchObject({
      protocol: 'openai-responses',
      path: '/v1/responses',
    })
    expect(routeOf('POST', '/v1/models/gemini-2.5-pro:generateContent', {})).toMatchObject({
      protocol: 'gemini',
      model: 'gemini-2.5-pro',
      stream: false,
    })
    expect(routeOf('GET', '/v1/models', { 'anthropic-version': '2023-06-01' })?.protocol).toBe('anthropic')
    expect(routeOf('POST', '/v1beta/models/../files:generateContent', {})).toBeUndefined()
    expect(routeOf('POST', '/v1/messages/', {})).toBeUndefined()
    expect(routeOf('DELETE', '/v1/messages', {})).toBeUndefined()
  })

  it('does not double a version the base URL ends in', () => {
    expect(upstreamUrl('https://api.openai.com/v1/', '/v1/responses', '').href).toBe(
      'https://api.openai.com/v1/responses',
    )
    expect(upstreamUrl('https://proxy.example/openai', '/v1/chat/completions', '?a=1').href).toBe(
      'https://proxy.example/openai/v1/chat/completions?a=1',
    )
  })
})

describe('cassette matching', () => {
  it('ignores volatile fields and key order', () => {
    const a = normaliseRequest({
      model: 'm',
      metadata: { user_id: 'u1' },
      prompt_cache_key: 'p1',
      messages: [1],
    })
    const b = normaliseRequest({
      messages: [1],
      prompt_cache_key: 'p2',
      model: 'm',
      metadata: { user_id: 'u2' },
    })
    expect(requestHash('POST', '/v1/messages', a)).toBe(requestHash('POST', '/v1/messages', b))
    expect(requestHash('POST', '/v1/messages', a)).not.toBe(
      requestHash('POST', '/v1/messages', normaliseRequest({ model: 'n', messages: [1] })),
    )
  })

  // A request as a CLI sends it, with what changes from run to run given by `at`.
  const cliRequest = (at: {
    day: string
    home: string
    id: string
    ms: string
    pgid: number
    prompt?: string
  }) => ({
    model: 'claude-sonnet-4-6',
    system: [
      { type: 'text', text: `Your memory is at \`/home/sandbox/.evalbox-home.${at.home}/.claude/memory/\`.` },
      {
        type: 'text',
        text: `<available_skills>${at.pgid % 2 ? '<skill>a</skill><skill>b</skill>' : '<skill>b</skill><skill>a</skill>'}</available_skills> (Available: ${at.pgid % 2 ? "'a', 'b'" : "'b', 'a'"})`,
      },
    ],
    messages: [
      { role: 'user', content: `Today's date is ${at.day}. Session ${at.id}.` },
      { role: 'user', content: at.prompt ?? 'Fix src/range.js so that the tests pass.' },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: `run_shell_command_${at.ms}_0`,
            content: `Chunk ID: 94da${at.pgid.toString(16)}\nWall time: 0.00${at.pgid} seconds\nnot ok 1 - includes both ends\n  duration_ms: ${at.pgid}.2391\nlocation: '/tmp/evalbox-${at.home}/workspace/test/range.test.js:5:1'\nProcess Group PGID: ${at.pgid}`,
          },
        ],
      },
    ],
    tools: [
      {
        name: 'skill',
        input_schema: { properties: { name: { enum: at.pgid % 2 ? ['a', 'b'] : ['b', 'a'] } } },
      },
    ],
  })
  const today = {
    day: '2026-12-06',
    home: 'lYs9aK',
    id: '7592d15a-9985-5e0b-a40a-6ade2e582572',
    ms: '1796598772190',
    pgid: 60,
  }
  const tomorrow = {
    day: '2026-12-07',
    home: 'Q3xT0b',
    id: 'a0229b6f-d5e8-5787-afe9-57eb58aba2f8',
    ms: '1796685188361',
    pgid: 73,
  }
  const hashOf = (body: unknown) => requestHash('POST', '/v1/messages', normaliseRequest(body))

  it('matches a replay on another day, in another temp dir, with other ids, pids, timings and skill order', () => {
    expect(hashOf(cliRequest(tomorrow))).toBe(hashOf(cliRequest(today)))
    expect(
      jsonDiff(normaliseRequest(cliRequest(today)), normaliseRequest(cliRequest(tomorrow))),
    ).toBeUndefined()
    // What a cassette keeps is already masked, and normalising it again changes nothing.
    const kept = normaliseRequest(cliRequest(today))
    expect(JSON.stringify(kept)).not.toMatch(
      /2026-12-06|lYs9aK|7592d15a|1796598772190|PGID: 60|duration_ms: 60/,
    )
    expect(normaliseRequest(kept)).toEqual(kept)
  })

  it('still mismatches a changed prompt, naming what differed', () => {
    const changed = cliRequest({ ...tomorrow, prompt: 'Fix src/ranges.js so that the tests pass.' })
    expect(hashOf(changed)).not.toBe(hashOf(cliRequest(today)))
    expect(jsonDiff(normaliseRequest(cliRequest(today)), normaliseRequest(changed))).toBe(
      "messages[1].content differs: recorded 'Fix src/range.js so that the tests pass.' vs now 'Fix src/ranges.js so that the tests pass.'",
    )
  })

  it('masks only what is volatile', () => {
    for (const kept of [
      'cat /tmp/notes.md',
      'range(1, 4) in 5s',
      'a pid of 12',
      'ids 12345 and 1234567890',
      '/work/evalbox-results/x',
    ])
      expect(maskVolatile(kept)).toBe(kept)
    expect(maskVolatile('on Saturday, December 6, 2026 at 2026-12-06T23:09:00.123Z')).toBe(
      'on <date> at <date>',
    )
    // opencode's Date#toDateString, the day after recording (a replay that failed in CI here).
    expect(maskVolatile("Today's date: Mon Dec 07 2026\n")).toBe(
      maskVolatile("Today's date: Sun Dec 06 2026\n"),
    )
    expect(maskVolatile('Sun Dec 06 2026')).toBe('<date>')
    expect(maskVolatile('✔ adds (1.23ms)\n=== 2 passed in 0.12s ===')).toBe(
      '✔ adds (<n>ms)\n=== 2 passed in <n>s ===',
    )
    expect(maskVolatile('/var/folders/ab/cd12/T/evalbox-Xy12ab/workspace')).toBe(
      '/var/folders/ab/cd12/T/<tmp>/workspace',
    )
    for (const rule of VOLATILE_VALUES) expect(rule.reason.length, rule.name).toBeGreaterThan(20)
  })

  it('matches a cassette by the request it holds, normalised by the rules of today', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evalbox-cassette-'))
    const path = join(dir, 'case.ndjson')
    // Recorded before masking existed: its hash is of the raw request.
    const raw = cliRequest(today)
    writeFileSync(
      path,
      `${JSON.stringify({ v: 1, seq: 1, protocol: 'anthropic', method: 'POST', path: '/v1/messages', hash: requestHash('POST', '/v1/messages', raw), request: raw, status: 200, contentType: 'application/json', body: '{}' })}\n`,
    )
    const replayer = createReplayer(path, await loadCassette(path))
    const now = normaliseRequest(cliRequest(tomorrow))
    expect(
      replayer.match(1, {
        method: 'POST',
        path: '/v1/messages',
        hash: requestHash('POST', '/v1/messages', now),
        body: now,
      }),
    ).toHaveProperty('entry')
    rmSync(dir, { recursive: true, force: true })
  })

  it('names the first difference as a short JSON path', () => {
    expect(
      jsonDiff(
        { messages: [{ role: 'user', content: 'Fix paginate' }] },
        { messages: [{ role: 'user', content: 'Fix pagination' }] },
      ),
    ).toBe("messages[0].content differs: recorded 'Fix paginate' vs now 'Fix pagination'")
    expect(jsonDiff({ tools: [1, 2] }, { tools: [1] })).toBe('tools[1] is missing: recorded 2')
    expect(jsonDiff({ a: 1 }, { a: 1, 'b-c': true })).toBe('["b-c"] is new: true')
    const long = 'x'.repeat(200)
    expect(jsonDiff(`${long}A`, `${long}B`)).toMatch(/^the body differs: recorded '…x+A' vs now '…x+B'$/)
    expect(jsonDiff({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBeUndefined()
  })
})

describe('config', () => {
  it('upstreamsFromEnv takes the providers with a key, at their base URL override', () => {
    expect(
      upstreamsFromEnv({
        ANTHROPIC_API_KEY: 'a-key',
        EVALBOX_ANTHROPIC_BASE_URL: 'http://127.0.0.1:1',
        GEMINI_API_KEY: 'g',
      }),
    ).toEqual({
      anthropic: { baseUrl: 'http://127.0.0.1:1', apiKey: 'a-key' },
      gemini: { baseUrl: 'https://generativelanguage.googleapis.com', apiKey: 'g' },
    })
    expect(upstreamsFromEnv({ EVALBOX_OPENAI_BASE_URL: 'http://x' })).toEqual({})
  })

  it('resolveModelMode: the variable wins, then a key means live, a lone cassette replay', () => {
    const facts = (hasKey: boolean, cassetteExists: boolean) => ({ hasKey, cassetteExists })
    expect(resolveModelMode({ EVALBOX_MODEL: 'record' }, facts(false, true))).toBe('record')
    expect(resolveModelMode({ EVALBOX_MODEL: 'live' }, facts(false, true))).toBe('live')
    expect(resolveModelMode({}, facts(true, true))).toBe('live')
    expect(resolveModelMode({}, facts(false, true))).toBe('replay')
    expect(resolveModelMode({}, facts(false, false))).toBe('live')
    expect(() => resolveModelMode({ EVALBOX_MODEL: 'replya' }, facts(true, true))).toThrow(
      /EVALBOX_MODEL is "replya"; set it to live, record or replay/,
    )
  })
})
