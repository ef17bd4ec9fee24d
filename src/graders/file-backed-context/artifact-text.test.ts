import { describe, expect, test } from 'vitest'
import { formatReference } from './artifact-reference.ts'
import { grepOf, pageOf, parseArtifactQuery, splitLines, tailOf } from './artifact-text.ts'
import type { ContextArtifact } from './artifact-types.ts'

describe('splitLines', () => {
  test('ends the last line at a final newline and treats CRLF as one break', () => {
    expect(splitLines('')).toEqual([])
    expect(splitLines('a\nb\n')).toEqual(['a', 'b'])
    expect(splitLines('a\r\nb')).toEqual(['a', 'b'])
    expect(splitLines('a\n\n')).toEqual(['a', ''])
  })
})

describe('views', () => {
  const lines = ['alpha', 'beta', 'gamma', 'delta', 'beta again']

  test('grep merges overlapping context and marks matches with ":"', () => {
    const view = grepOf('x', lines, 'beta', { context: 1 })
    expect(view.text).toBe('1- alpha\n2: beta\n3- gamma\n4- delta\n5: beta again')
    expect(view.matchLines).toEqual([2, 5])
  })

  test('a page past the end is empty; a zero tail is empty', () => {
    expect(pageOf('x', lines, 9, 3)).toMatchObject({ lines: [], hasMore: false })
    expect(tailOf('x', lines, 0).lines).toEqual([])
  })

  test('a RegExp with g or y flags still matches every line it should', () => {
    expect(grepOf('x', lines, /beta/g).matchLines).toEqual([2, 5])
  })
})

describe('parseArtifactQuery', () => {
  test('reads /regex/flags as a RegExp and anything else as text', () => {
    expect(parseArtifactQuery('/E\\d{4}/i')).toEqual(/E\d{4}/i)
    expect(parseArtifactQuery('ERROR E4021')).toBe('ERROR E4021')
    expect(parseArtifactQuery('a/b/')).toBe('a/b/')
    expect(() => parseArtifactQuery('/(/')).toThrow('looks like a /regex/ but does not compile')
  })
})

describe('formatReference', () => {
  test('names the artifact, its kind and size, and the three ways to read it', () => {
    const artifact: ContextArtifact = {
      id: 'art-0123456789ab',
      kind: 'command_stdout',
      threadId: 't',
      turnId: 'u',
      sourceToolId: undefined,
      label: undefined,
      byteCount: 182456,
      lineCount: 2400,
      createdAt: '2026-01-01T00:00:00.000Z',
      path: '/x',
    }
    expect(formatReference(artifact, ' npm run build ')).toBe(
      [
        '[artifact art-0123456789ab · command_stdout · 2400 lines · 182456 bytes] npm run build',
        'Not shown inline. Recover details from it with:',
        '  read_artifact {"id":"art-0123456789ab","offset":1,"limit":200}  (a page of lines, 1-based)',
        '  grep_artifact {"id":"art-0123456789ab","query":"<text or regex>"}  (matching lines with numbers)',
        '  tail_artifact {"id":"art-0123456789ab","lines":50}  (the last lines)',
      ].join('\n'),
    )
    expect(formatReference({ ...artifact, lineCount: 1, byteCount: 1 }, '').split('\n')[0]).toBe(
      '[artifact art-0123456789ab · command_stdout · 1 line · 1 byte]',
    )
  })
})
