import { afterEach, describe, expect, test } from 'vitest'
import { type ScriptedUpstream, startScriptedUpstream } from './server.ts'
import { postJson, readSse } from './sse-client.test-support.ts'

const TOOLS = [
  {
    name: 'Bash',
    input_schema: {
      type: 'object',
      properties: { command: { type: 'string' }, description: { type: 'string' } },
    },
  },
  {
    name: 'Write',
    input_schema: {
      type: 'object',
      properties: { file_path: { type: 'string' }, content: { type: 'string' } },
    },
  },
]
const SYSTEM = [
  {
    type: 'text',
    text: 'You are Claude Code.\n<env>\nWorking directory: /work/case-1\nPlatform: linux\n</env>',
  },
]

const script = {
  steps: [
    { write: 'notes.txt', content: 'hello\n' },
    { shell: 'cat notes.txt' },
    { answer: 'All done: notes.txt says hello.' },
  ],
  sideAnswer: 'A title',
}

/** A conversation after `results` tool results came back. */
function conversation(results: number, prompt = 'Task fix-notes: write the notes.') {
  const messages: unknown[] = [{ role: 'user', content: [{ type: 'text', text: prompt }] }]
  for (let i = 0; i < results; i++) {
    messages.push({
      role: 'assistant',
      content: [{ type: 'tool_use', id: `t${i}`, name: 'Bash', input: {} }],
    })
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: `t${i}`, content: 'ok' }] })
  }
  return messages
}

type Json = Record<string, unknown>

/** The blocks and stop of a streamed message, put back together as a client does. */
function assemble(events: { event?: string; data: unknown }[]) {
  const blocks: Json[] = []
  const partial: string[] = []
  let stop: unknown
  let usage: Json = {}
  for (const { event, data } of events) {
    const d = data as Json
    expect(d.type).toBe(event)
    if (d.type === 'message_start') usage = { ...((d.message as Json).usage as Json) }
    if (d.type === 'content_block_start') blocks[d.index as number] = { ...(d.content_block as Json) }
    if (d.type === 'content_block_delta') {
      const delta = d.delta as Json
      if (delta.type === 'text_delta') blocks[d.index as number]!.text += delta.text as string
      else partial[d.index as number] = (partial[d.index as number] ?? '') + (delta.partial_json as string)
    }
    if (d.type === 'content_block_stop' && partial[d.index as number] !== undefined)
      blocks[d.index as number]!.input = JSON.parse(partial[d.index as number]!)
    if (d.type === 'message_delta') {
      stop = (d.delta as Json).stop_reason
      usage = { ...usage, ...(d.usage as Json) }
    }
  }
  return { blocks, stop, usage, last: (events.at(-1)?.data as Json)?.type }
}

describe('scripted upstream: Anthropic Messages', () => {
  let upstream: ScriptedUpstream
  afterEach(async () => {
    await upstream?.close()
  })

  const messages = (body: Json, headers: Record<string, string> = {}) =>
    postJson(`${upstream.url}/v1/messages`, { model: 'claude-test', max_tokens: 100, ...body }, headers)

  test('plays a script step by step as streamed tool_use blocks, with absolute paths from the system prompt', async () => {
    upstream = await startScriptedUpstream({ scripts: { 'fix-notes': script } })
    const step = async (results: number) => {
      const response = await messages({
        stream: true,
        system: SYSTEM,
        tools: TOOLS,
        messages: conversation(results),
      })
      expect(response.headers.get('content-type')).toBe('text/event-stream')
      return assemble(await readSse(response))
    }
    const write = await step(0)
    expect(write.stop).toBe('tool_use')
    expect(write.last).toBe('message_stop')
    expect(write.blocks).toEqual([
      {
        type: 'tool_use',
        id: 'call_1',
        name: 'Write',
        input: { file_path: '/work/case-1/notes.txt', content: 'hello\n' },
      },
    ])
    const shell = await step(1)
    expect(shell.blocks).toEqual([
      {
        type: 'tool_use',
        id: 'call_2',
        name: 'Bash',
        input: { command: 'cat notes.txt', description: 'scripted step' },
      },
    ])
    const answer = await step(2)
    expect(answer.stop).toBe('end_turn')
    expect(answer.blocks).toEqual([{ type: 'text', text: 'All done: notes.txt says hello.' }])
    expect(upstream.calls.map((call) => [call.protocol, call.script, call.toolResults])).toEqual([
      ['anthropic', 'fix-notes', 0],
      ['anthropic', 'fix-notes', 1],
      ['anthropic', 'fix-notes', 2],
    ])
    // The usage the stream reported is what the upstream recorded.
    expect(answer.usage).toEqual({
      input_tokens: upstream.calls[2]!.tokens!.input,
      output_tokens: upstream.calls[2]!.tokens!.output,
    })
  })

  test('binds a write step to the shell when no write tool is offered, and answers side requests in JSON', async () => {
    upstream = await startScriptedUpstream({ scripts: script })
    const response = await messages({ tools: [TOOLS[0]], messages: conversation(0) })
    const body = (await response.json()) as Json
    expect(body).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-test',
      stop_reason: 'tool_use',
    })
    const [block] = body.content as Json[]
    expect(block).toMatchObject({ type: 'tool_use', name: 'Bash' })
    expect((block!.input as Json).command).toContain("base64 -d > 'notes.txt'")
    // A title request offers no tools: it gets the side answer, and is not a step.
    const side = (await (await messages({ messages: conversation(0) })).json()) as Json
    expect(side).toMatchObject({ content: [{ type: 'text', text: 'A title' }], stop_reason: 'end_turn' })
    expect(side.usage).toEqual({
      input_tokens: upstream.calls[1]!.tokens!.input,
      output_tokens: upstream.calls[1]!.tokens!.output,
    })
  })

  test('answers count_tokens without a script and without consuming an injected failure', async () => {
    upstream = await startScriptedUpstream({ scripts: { 'fix-notes': script } })
    upstream.fail(1, 529)
    const counted = await postJson(`${upstream.url}/v1/messages/count_tokens`, {
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
    })
    expect(counted.status).toBe(200)
    expect(((await counted.json()) as Json).input_tokens).toBeGreaterThan(0)
    const failed = await messages({ tools: TOOLS, messages: conversation(0) })
    expect(failed.status).toBe(529)
    expect(await failed.json()).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'scripted upstream: failing on purpose' },
    })
    expect((await messages({ tools: TOOLS, messages: conversation(0) })).status).toBe(200)
  })

  test('refuses a wrong key and a prompt that names no script, in the Anthropic error shape', async () => {
    upstream = await startScriptedUpstream({ scripts: { 'fix-notes': script }, apiKey: 'sk-stand-in' })
    const wrong = await messages({ tools: TOOLS, messages: conversation(0) }, { 'x-api-key': 'sk-other' })
    expect(wrong.status).toBe(401)
    expect(((await wrong.json()) as { error: Json }).error.type).toBe('authentication_error')
    const unnamed = await messages(
      { tools: TOOLS, messages: conversation(0, 'something else') },
      { 'x-api-key': 'sk-stand-in' },
    )
    expect(unnamed.status).toBe(400)
    expect(((await unnamed.json()) as { error: Json }).error).toMatchObject({
      type: 'invalid_request_error',
      message: expect.stringContaining('fix-notes'),
    })
    expect(upstream.calls.map((call) => call.status)).toEqual([401, 400])
  })
})
