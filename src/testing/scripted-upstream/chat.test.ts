import { afterEach, describe, expect, test } from 'vitest'
import { type ScriptedUpstream, startScriptedUpstream } from './server.ts'
import { postJson, readSse } from './sse-client.test-support.ts'

type Json = Record<string, unknown>

const fn = (name: string, properties: Record<string, { type: string }>) => ({
  type: 'function',
  function: { name, description: name, parameters: { type: 'object', properties } },
})
const QWEN_TOOLS = [
  fn('run_shell_command', { command: { type: 'string' }, description: { type: 'string' } }),
  fn('write_file', { file_path: { type: 'string' }, content: { type: 'string' } }),
]
const OPENCODE_TOOLS = [
  fn('bash', { command: { type: 'string' }, description: { type: 'string' }, workdir: { type: 'string' } }),
  fn('write', { filePath: { type: 'string' }, content: { type: 'string' } }),
]

const script = {
  steps: [
    { write: 'notes.txt', content: 'hello\n' },
    { shell: 'cat notes.txt' },
    { answer: 'All done: notes.txt says hello.' },
  ],
}

function conversation(results: number, prompt = 'Task fix-notes: write the notes.') {
  const messages: unknown[] = [
    { role: 'system', content: 'You are a coding agent. Working directory: /work/case-2' },
    { role: 'user', content: [{ type: 'text', text: prompt }] },
  ]
  for (let i = 0; i < results; i++) {
    messages.push({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: `t${i}`, type: 'function', function: { name: 'bash', arguments: '{}' } }],
    })
    messages.push({ role: 'tool', tool_call_id: `t${i}`, content: 'ok' })
  }
  return messages
}

/** The message a streamed completion adds up to, as a client assembles it. */
function assemble(events: { data: unknown }[]) {
  let content = ''
  let finish: unknown
  let usage: unknown
  const calls: { id?: string; type?: string; name?: string; arguments: string }[] = []
  for (const { data } of events) {
    if (data === '[DONE]') continue
    const chunk = data as Json
    expect(chunk.object).toBe('chat.completion.chunk')
    if (chunk.usage) usage = chunk.usage
    for (const choice of chunk.choices as Json[]) {
      const delta = choice.delta as Json
      if (typeof delta.content === 'string') content += delta.content
      for (const call of (delta.tool_calls as Json[] | undefined) ?? []) {
        calls[call.index as number] ??= { arguments: '' }
        const slot = calls[call.index as number]!
        const f = call.function as Json
        if (call.id) slot.id = call.id as string
        if (call.type) slot.type = call.type as string
        if (f.name) slot.name = f.name as string
        slot.arguments += (f.arguments as string | undefined) ?? ''
      }
      if (choice.finish_reason) finish = choice.finish_reason
    }
  }
  return {
    content,
    finish,
    usage,
    done: events.at(-1)?.data === '[DONE]',
    calls: calls.map(({ arguments: args, ...rest }) => ({ ...rest, input: JSON.parse(args) })),
  }
}

describe('scripted upstream: OpenAI Chat Completions', () => {
  let upstream: ScriptedUpstream
  afterEach(async () => {
    await upstream?.close()
  })

  const complete = (body: Json, path = '/v1/chat/completions', headers: Record<string, string> = {}) =>
    postJson(`${upstream.url}${path}`, { model: 'qwen-test', ...body }, headers)

  test('plays a script as streamed tool_calls for Qwen Code tools, with a usage chunk and [DONE]', async () => {
    upstream = await startScriptedUpstream({ scripts: { 'fix-notes': script } })
    const step = async (results: number) => {
      const response = await complete({ stream: true, tools: QWEN_TOOLS, messages: conversation(results) })
      expect(response.headers.get('content-type')).toBe('text/event-stream')
      return assemble(await readSse(response))
    }
    const write = await step(0)
    expect(write).toMatchObject({ finish: 'tool_calls', done: true })
    expect(write.calls).toEqual([
      {
        id: 'call_1',
        type: 'function',
        name: 'write_file',
        input: { file_path: '/work/case-2/notes.txt', content: 'hello\n' },
      },
    ])
    const shell = await step(1)
    expect(shell.calls).toEqual([
      {
        id: 'call_2',
        type: 'function',
        name: 'run_shell_command',
        input: { command: 'cat notes.txt', description: 'scripted step' },
      },
    ])
    const answer = await step(2)
    expect(answer).toMatchObject({ finish: 'stop', content: 'All done: notes.txt says hello.', calls: [] })
    const { input, output } = upstream.calls[2]!.tokens!
    expect(answer.usage).toEqual({
      prompt_tokens: input,
      completion_tokens: output,
      total_tokens: input + output,
    })
  })

  test('binds to opencode tools (camelCase path, workdir) under /chat/completions, and answers in JSON', async () => {
    upstream = await startScriptedUpstream({ scripts: script })
    const write = (await (
      await complete({ tools: OPENCODE_TOOLS, messages: conversation(0) }, '/chat/completions')
    ).json()) as Json
    expect(write).toMatchObject({
      object: 'chat.completion',
      model: 'qwen-test',
      choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null } }],
    })
    const [call] = ((write.choices as Json[])[0]!.message as Json).tool_calls as Json[]
    expect(call).toMatchObject({ id: 'call_1', type: 'function', function: { name: 'write' } })
    expect(JSON.parse((call!.function as Json).arguments as string)).toEqual({
      filePath: '/work/case-2/notes.txt',
      content: 'hello\n',
    })
    const shell = (await (
      await complete({ tools: OPENCODE_TOOLS, messages: conversation(1) })
    ).json()) as Json
    const [run] = ((shell.choices as Json[])[0]!.message as Json).tool_calls as Json[]
    expect(JSON.parse((run!.function as Json).arguments as string)).toEqual({
      command: 'cat notes.txt',
      description: 'scripted step',
      workdir: '/work/case-2',
    })
    expect(shell.usage).toEqual({
      prompt_tokens: upstream.calls[1]!.tokens!.input,
      completion_tokens: upstream.calls[1]!.tokens!.output,
      total_tokens: upstream.calls[1]!.tokens!.input + upstream.calls[1]!.tokens!.output,
    })
  })

  test('side requests without tools get the side answer, streamed or not', async () => {
    upstream = await startScriptedUpstream({ scripts: script })
    const streamed = assemble(await readSse(await complete({ stream: true, messages: conversation(0) })))
    expect(streamed).toMatchObject({ content: 'ok', finish: 'stop', done: true, calls: [] })
    expect(streamed.usage).toMatchObject({ completion_tokens: upstream.calls[0]!.tokens!.output })
  })

  test('injected failures, a wrong key and an unnamed script come back in the OpenAI error shape', async () => {
    upstream = await startScriptedUpstream({ scripts: { 'fix-notes': script }, apiKey: 'sk-stand-in' })
    const auth = { authorization: 'Bearer sk-stand-in' }
    const wrong = await complete({ messages: conversation(0) }, undefined, { authorization: 'Bearer nope' })
    expect(wrong.status).toBe(401)
    upstream.fail(2, 500)
    for (let i = 0; i < 2; i++) {
      const failed = await complete({ tools: QWEN_TOOLS, messages: conversation(0) }, undefined, auth)
      expect(failed.status).toBe(500)
      expect(await failed.json()).toEqual({
        error: {
          message: 'scripted upstream: failing on purpose',
          type: 'server_error',
          param: null,
          code: null,
        },
      })
    }
    const unnamed = await complete({ tools: QWEN_TOOLS, messages: conversation(0, 'other') }, undefined, auth)
    expect(unnamed.status).toBe(400)
    expect(((await unnamed.json()) as { error: Json }).error.message).toContain('fix-notes')
    expect((await complete({ tools: QWEN_TOOLS, messages: conversation(0) }, undefined, auth)).status).toBe(
      200,
    )
    expect(upstream.calls.map((call) => call.status)).toEqual([401, 500, 500, 400, 200])
  })
})
