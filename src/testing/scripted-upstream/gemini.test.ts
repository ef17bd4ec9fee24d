import { afterEach, describe, expect, it } from 'vitest'
import { sampleOf } from './gemini.ts'
import { type ScriptedUpstream, startScriptedUpstream } from './server.ts'
import { postJson, readSse } from './sse-reader.test-support.ts'

const KEY = 'evalbox-dummy'
const auth = { 'x-goog-api-key': KEY }

const tools = [
  {
    functionDeclarations: [
      {
        name: 'write_file',
        parametersJsonSchema: {
          type: 'object',
          properties: { file_path: { type: 'string' }, content: { type: 'string' } },
        },
      },
      {
        name: 'run_shell_command',
        parameters: {
          type: 'OBJECT',
          properties: { command: { type: 'STRING' }, description: { type: 'STRING' } },
        },
      },
    ],
  },
]

const context = {
  role: 'user',
  parts: [
    {
      text: '<session_context>\n- **Workspace Directories:**\n  - /work\n- **Directory Structure:**\n</session_context>',
    },
    { text: 'Do the notes-task now.' },
  ],
}

function request(more: unknown[] = [], overrides: Record<string, unknown> = {}) {
  return {
    contents: [context, ...more],
    tools,
    systemInstruction: { parts: [{ text: 'You are Gemini CLI.' }] },
    ...overrides,
  }
}

const streamUrl = (up: ScriptedUpstream, model = 'gemini-2.5-pro') =>
  `${up.url}/v1beta/models/${model}:streamGenerateContent?alt=sse`

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
          { write: 'notes.txt', content: 'one\n' },
          { shell: 'cat notes.txt' },
          { answer: 'Wrote and read notes.txt.' },
        ],
      },
    },
  })
  return upstream
}

// biome-ignore lint/suspicious/noExplicitAny: the tests walk wire JSON of any shape, and a wrong path fails the assertion anyway
type Data = Record<string, any>

describe('Gemini protocol', () => {
  it('plays a script over SSE: write_file with an absolute path, the shell, then the answer in pieces', async () => {
    const up = await start()
    const first = await readSse(await postJson(streamUrl(up), request(), auth))
    expect(first).toHaveLength(1)
    const chunk = first[0]!.data as Data
    expect(first[0]!.event).toBeUndefined()
    expect(chunk.candidates[0].finishReason).toBe('STOP')
    const writeCall = chunk.candidates[0].content.parts[0]
    expect(writeCall).toEqual({
      functionCall: { name: 'write_file', args: { file_path: '/work/notes.txt', content: 'one\n' } },
    })
    expect(chunk.usageMetadata).toEqual({
      promptTokenCount: up.calls[0]!.tokens!.input,
      candidatesTokenCount: up.calls[0]!.tokens!.output,
      totalTokenCount: up.calls[0]!.tokens!.input + up.calls[0]!.tokens!.output,
    })

    const afterWrite = [
      { role: 'model', parts: [writeCall] },
      { role: 'user', parts: [{ functionResponse: { name: 'write_file', response: { output: 'ok' } } }] },
    ]
    const second = await readSse(await postJson(streamUrl(up), request(afterWrite), auth))
    const shellCall = (second[0]!.data as Data).candidates[0].content.parts[0]
    expect(shellCall.functionCall).toEqual({
      name: 'run_shell_command',
      args: { command: 'cat notes.txt', description: 'scripted step' },
    })

    const afterShell = [
      ...afterWrite,
      { role: 'model', parts: [shellCall] },
      {
        role: 'user',
        parts: [{ functionResponse: { name: 'run_shell_command', response: { output: 'one' } } }],
      },
    ]
    const third = await readSse(await postJson(streamUrl(up), request(afterShell), auth))
    expect(third).toHaveLength(2)
    const pieces = third.map((event) => (event.data as Data).candidates[0].content.parts[0].text)
    expect(pieces.join('')).toBe('Wrote and read notes.txt.')
    expect((third[0]!.data as Data).usageMetadata).toBeUndefined()
    expect((third[1]!.data as Data).candidates[0].finishReason).toBe('STOP')
    expect(up.calls.map((c) => [c.protocol, c.model, c.stream, c.toolResults])).toEqual([
      ['gemini', 'gemini-2.5-pro', true, 0],
      ['gemini', 'gemini-2.5-pro', true, 1],
      ['gemini', 'gemini-2.5-pro', true, 2],
    ])
  })

  it('answers the next-speaker check with JSON that hands the turn to the user', async () => {
    const up = await start()
    const schema = {
      type: 'object',
      properties: {
        reasoning: { type: 'string' },
        next_speaker: { type: 'string', enum: ['user', 'model'] },
      },
      required: ['reasoning', 'next_speaker'],
    }
    const response = await postJson(
      `${up.url}/v1beta/models/gemini-2.5-flash:generateContent`,
      {
        contents: [context, { role: 'user', parts: [{ text: 'Who should speak next?' }] }],
        generationConfig: { responseMimeType: 'application/json', responseJsonSchema: schema },
      },
      auth,
    )
    expect(response.status).toBe(200)
    const body = (await response.json()) as Data
    const answer = JSON.parse(body.candidates[0].content.parts[0].text)
    expect(answer.next_speaker).toBe('user')
    expect(typeof answer.reasoning).toBe('string')
    expect(up.calls[0]).toMatchObject({ model: 'gemini-2.5-flash', stream: false })
  })

  it('fills other JSON schemas with small values, and plain side requests get the side answer', async () => {
    expect(
      sampleOf({
        type: 'OBJECT',
        properties: {
          n: { type: 'INTEGER' },
          ok: { type: 'BOOLEAN' },
          list: { type: 'ARRAY' },
          mode: { enum: ['a', 'b'] },
        },
      }),
    ).toEqual({ n: 0, ok: false, list: [], mode: 'a' })
    const up = await start()
    const body = (await (
      await postJson(
        `${up.url}/v1beta/models/gemini-2.5-flash:generateContent`,
        { contents: [context] },
        auth,
      )
    ).json()) as Data
    expect(body.candidates[0].content.parts[0].text).toBe('ok')
  })

  it('fails in the Gemini error shape: on purpose, on a wrong key, on an unknown route', async () => {
    const up = await start()
    up.fail(1, 503)
    const failed = await postJson(streamUrl(up), request(), auth)
    expect(failed.status).toBe(503)
    expect(await failed.json()).toEqual({
      error: { code: 503, message: 'scripted upstream: failing on purpose', status: 'UNAVAILABLE' },
    })
    const wrongKey = await postJson(streamUrl(up), request(), { 'x-goog-api-key': 'nope' })
    expect(((await wrongKey.json()) as Data).error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' })
    const noRoute = await postJson(`${up.url}/v1beta/models/gemini-2.5-pro:countTokens`, request(), auth)
    expect(noRoute.status).toBe(404)
    expect(up.calls.map((c) => [c.protocol, c.status])).toEqual([
      ['gemini', 503],
      ['gemini', 401],
      ['unknown', 404],
    ])
  })
})
