import { describe, expect, it } from 'vitest'
import { anthropicProtocol } from './anthropic.ts'
import { openaiProtocol } from './openai.ts'
import { joinUrl, safeUrl } from './protocol.ts'

describe('urls', () => {
  it('joins without doubling /v1', () => {
    expect(joinUrl('http://h:1', '/v1/messages')).toBe('http://h:1/v1/messages')
    expect(joinUrl('http://h:1/v1/', '/v1/messages')).toBe('http://h:1/v1/messages')
    expect(joinUrl('https://api.groq.com/openai', '/v1/chat/completions')).toBe(
      'https://api.groq.com/openai/v1/chat/completions',
    )
  })

  it('drops credentials and query values from URLs it shows', () => {
    expect(safeUrl('https://user:pw@example.com/v1/messages?key=abc&x=1')).toBe(
      'https://example.com/v1/messages?key=***&x=***',
    )
  })
})

describe('protocol shapes', () => {
  const request = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }], maxTokens: 10 }

  it('sends max_completion_tokens to api.openai.com and max_tokens elsewhere', () => {
    expect(openaiProtocol.body(request, 'https://api.openai.com')).toMatchObject({
      max_completion_tokens: 10,
    })
    expect(openaiProtocol.body(request, 'http://127.0.0.1:8000')).toMatchObject({ max_tokens: 10 })
  })

  it('reads OpenAI content given as parts, and error shapes of compatible servers', () => {
    const parsed = openaiProtocol.parse({
      choices: [{ message: { content: [{ type: 'text', text: 'a' }, { text: 'b' }] } }],
    })
    expect(parsed).toEqual({
      text: 'ab',
      model: undefined,
      usage: { input: 0, output: 0 },
      stopReason: undefined,
    })
    expect(openaiProtocol.errorMessage({ error: 'model not loaded' })).toBe('model not loaded')
    expect(openaiProtocol.errorMessage({ error: { message: 'bad', code: 'invalid_api_key' } })).toBe(
      'bad (invalid_api_key)',
    )
  })

  it('joins Anthropic text blocks and skips others', () => {
    const parsed = anthropicProtocol.parse({
      model: 'claude-x',
      content: [
        { type: 'thinking', thinking: '...' },
        { type: 'text', text: 'A' },
        { type: 'text', text: 'B' },
      ],
      usage: { input_tokens: 3, output_tokens: 4 },
      stop_reason: 'max_tokens',
    })
    expect(parsed).toEqual({
      text: 'AB',
      model: 'claude-x',
      usage: { input: 3, output: 4 },
      stopReason: 'max_tokens',
    })
  })

  it('throws a clear error when a 200 body has the wrong shape', () => {
    expect(() => anthropicProtocol.parse({ choices: [] })).toThrow(/no `content` list.*anthropic-compatible/)
    expect(() => openaiProtocol.parse({ content: [] })).toThrow(/no `choices\[0\]\.message`/)
  })
})
