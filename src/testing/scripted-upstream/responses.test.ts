import { afterEach, describe, expect, it } from 'vitest'
import { type ScriptedUpstream, startScriptedUpstream } from './server.ts'
import { postJson, readSse } from './sse-reader.test-support.ts'

const KEY = 'evalbox-dummy'
const auth = { authorization: `Bearer ${KEY}` }

const execCommand = {
  type: 'function',
  name: 'exec_command',
  parameters: { type: 'object', properties: { cmd: { type: 'string' }, workdir: { type: 'string' } } },
}
const applyPatch = { type: 'custom', name: 'apply_patch', format: { type: 'grammar', syntax: 'lark' } }

/** A Codex-like request: developer text, the environment context, the prompt, then `more` items. */
function request(more: unknown[] = [], overrides: Record<string, unknown> = {}) {
  return {
    model: 'gpt-5.5',
    stream: true,
    tools: [execCommand, applyPatch, { type: 'web_search' }],
    input: [
      { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'You are Codex.' }] },
      {
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_text', text: '<environment_context>\n  <cwd>/work</cwd>\n</environment_context>' },
        ],
      },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Do the notes-task now.' }] },
      ...more,
    ],
    ...overrides,
  }
}

let upstream: ScriptedUpstream | undefined
afterEach(async () => {
  await upstream?.close()
  upstream = undefined
})

async function start(): Promise<ScriptedUpstream> {
  upstream = await startScriptedUpstream({
    apiKey: KEY,
    scripts: {
      'notes-task': {
        steps: [
          { write: 'notes.txt', content: 'one\ntwo\n' },
          { shell: 'cat notes.txt' },
          { answer: 'Wrote and read notes.txt.' },
        ],
        sideAnswer: 'a title',
      },
    },
  })
  return upstream
}

// biome-ignore lint/suspicious/noExplicitAny: the tests walk wire JSON of any shape, and a wrong path fails the assertion anyway
type Data = Record<string, any>

describe('OpenAI Responses protocol', () => {
  it('plays a script over SSE: patch tool, then shell, then the answer, with the usage it reports', async () => {
    const up = await start()
    const first = await postJson(`${up.url}/v1/responses`, request(), auth)
    expect(first.headers.get('content-type')).toBe('text/event-stream')
    const events = await readSse(first)
    expect(events.map((event) => event.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.custom_tool_call_input.delta',
      'response.custom_tool_call_input.done',
      'response.output_item.done',
      'response.completed',
    ])
    for (const [index, event] of events.entries()) {
      expect((event.data as Data).type).toBe(event.event)
      expect((event.data as Data).sequence_number).toBe(index)
    }
    const patch = (events[5]!.data as Data).item
    expect(patch).toMatchObject({ type: 'custom_tool_call', name: 'apply_patch', status: 'completed' })
    expect(patch.input).toBe('*** Begin Patch\n*** Add File: notes.txt\n+one\n+two\n*** End Patch\n')
    expect((events[2]!.data as Data).item).toMatchObject({ status: 'in_progress', input: '' })

    const second = await readSse(
      await postJson(
        `${up.url}/v1/responses`,
        request([patch, { type: 'custom_tool_call_output', call_id: patch.call_id, output: 'Done!' }]),
        auth,
      ),
    )
    const call = (second.find((event) => event.event === 'response.output_item.done')!.data as Data).item
    expect(call).toMatchObject({ type: 'function_call', name: 'exec_command' })
    // The cwd comes from the environment context; the arguments are streamed whole.
    expect(JSON.parse(call.arguments)).toEqual({ cmd: 'cat notes.txt', workdir: '/work' })
    const argsDone = second.find((event) => event.event === 'response.function_call_arguments.done')!
    expect((argsDone.data as Data).arguments).toBe(call.arguments)

    const third = await readSse(
      await postJson(
        `${up.url}/v1/responses`,
        request([
          patch,
          { type: 'custom_tool_call_output', call_id: patch.call_id, output: 'Done!' },
          call,
          { type: 'function_call_output', call_id: call.call_id, output: 'one\ntwo\n' },
        ]),
        auth,
      ),
    )
    expect(third.map((event) => event.event)).toContain('response.content_part.added')
    const deltas = third.filter((event) => event.event === 'response.output_text.delta')
    expect(deltas.length).toBe(2)
    expect(deltas.map((event) => (event.data as Data).delta).join('')).toBe('Wrote and read notes.txt.')
    const done = third.find((event) => event.event === 'response.output_text.done')!
    expect((done.data as Data).text).toBe('Wrote and read notes.txt.')
    const completed = (third.at(-1)!.data as Data).response
    expect(completed.status).toBe('completed')
    expect(completed.output[0]).toMatchObject({ type: 'message', role: 'assistant' })

    expect(up.calls.map((c) => [c.protocol, c.status, c.toolResults, c.model])).toEqual([
      ['openai-responses', 200, 0, 'gpt-5.5'],
      ['openai-responses', 200, 1, 'gpt-5.5'],
      ['openai-responses', 200, 2, 'gpt-5.5'],
    ])
    const tokens = up.calls[2]!.tokens!
    expect(completed.usage).toEqual({
      input_tokens: tokens.input,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: tokens.output,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: tokens.input + tokens.output,
    })
    expect(tokens.input).toBeGreaterThan(100)
  })

  it('writes through the shell when no patch or write tool is offered, and answers JSON when not streaming', async () => {
    const up = await start()
    const response = await postJson(
      `${up.url}/responses`,
      request([], { stream: false, tools: [execCommand] }),
      auth,
    )
    expect(response.status).toBe(200)
    const body = (await response.json()) as Data
    expect(body).toMatchObject({ object: 'response', status: 'completed', model: 'gpt-5.5' })
    const item = body.output[0]
    expect(item.type).toBe('function_call')
    const { cmd } = JSON.parse(item.arguments)
    expect(cmd).toContain(Buffer.from('one\ntwo\n').toString('base64'))
    expect(body.usage.total_tokens).toBe(body.usage.input_tokens + body.usage.output_tokens)
  })

  it('answers a request without tools with the side answer, and a string input is user text', async () => {
    const up = await start()
    const body = (await (
      await postJson(
        `${up.url}/v1/responses`,
        { model: 'gpt-5.5', input: 'Title for: notes-task', stream: false },
        auth,
      )
    ).json()) as Data
    expect(body.output[0].content[0]).toEqual({ type: 'output_text', text: 'a title', annotations: [] })
  })

  it('fails in the Responses error shape: on purpose, on a wrong key, on an unknown prompt', async () => {
    const up = await start()
    up.fail(1, 500)
    const failed = await postJson(`${up.url}/v1/responses`, request(), auth)
    expect(failed.status).toBe(500)
    expect(await failed.json()).toEqual({
      error: {
        message: 'scripted upstream: failing on purpose',
        type: 'server_error',
        param: null,
        code: null,
      },
    })
    expect((await postJson(`${up.url}/v1/responses`, request(), auth)).status).toBe(200)

    const wrongKey = await postJson(`${up.url}/v1/responses`, request(), { authorization: 'Bearer nope' })
    expect(wrongKey.status).toBe(401)
    expect(((await wrongKey.json()) as Data).error.type).toBe('invalid_request_error')

    const unknown = await postJson(
      `${up.url}/v1/responses`,
      { model: 'gpt-5.5', input: 'something else', tools: [execCommand] },
      auth,
    )
    expect(unknown.status).toBe(400)
    expect(((await unknown.json()) as Data).error.message).toContain('notes-task')
    expect(up.calls.map((c) => c.status)).toEqual([500, 200, 401, 400])
  })
})
