import { describe, expect, test } from 'vitest'
import { fixtureKind, generatePayload } from './payload.ts'

describe('generatePayload', () => {
  test('log-lines: numbered filler with the detail at insertAt', () => {
    expect(generatePayload({ generator: 'log-lines', lines: 3, insertAt: 2, padding: 2 }, 'SECRET')).toBe(
      'line 1: build log noise xx\nSECRET\nline 3: build log noise xx\n',
    )
    const long = generatePayload(
      { generator: 'log-lines', lines: 12, insertAt: 12, noise: 'n', padding: 0 },
      'D',
    )
    expect(long.split('\n').slice(0, 1)).toEqual(['line 01: n '])
    expect(long.split('\n')[11]).toBe('D')
  })

  test('chat-history: one JSON turn per line, the detail as a message', () => {
    const text = generatePayload(
      { generator: 'chat-history', lines: 2, insertAt: 2, detail: 'we chose "B"', noise: 'hi', padding: 1 },
      'B',
    )
    expect(text.split('\n').map((line) => (line ? JSON.parse(line) : line))).toEqual([
      { turn: 1, role: 'user', text: 'hi x' },
      { turn: 2, role: 'assistant', text: 'we chose "B"' },
      '',
    ])
  })

  test('source-file: constants, the detail verbatim', () => {
    expect(generatePayload({ generator: 'source-file', lines: 2, insertAt: 1, padding: 3 }, '// ID-1')).toBe(
      "// ID-1\nexport const value2 = 'xxx' // generated constant\n",
    )
  })
})

describe('fixtureKind', () => {
  const fixture = {
    id: 'f',
    title: 't',
    prompt: 'p',
    tags: [] as string[],
    expectedAnswerContains: 'a',
    expectedArtifactQuery: 'a',
    expectedTool: 'grep' as const,
  }
  test('uses the kind given, else the generator or a compaction tag', () => {
    expect(fixtureKind({ ...fixture, kind: 'tool_output' })).toBe('tool_output')
    expect(fixtureKind({ ...fixture, payload: { generator: 'chat-history', lines: 1, insertAt: 1 } })).toBe(
      'chat_history',
    )
    expect(fixtureKind({ ...fixture, tags: ['compaction'], payloadFile: 'x' })).toBe('chat_history')
    expect(fixtureKind({ ...fixture, payload: { generator: 'source-file', lines: 1, insertAt: 1 } })).toBe(
      'file_content',
    )
    expect(fixtureKind({ ...fixture, payloadFile: 'x' })).toBe('command_stdout')
  })
})
