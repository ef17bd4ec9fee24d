import { tmpdir } from 'node:os'
import { describe, expect, it } from 'vitest'
import { makeTest, transcriptWithTools } from '../../compare/__fixtures__/runs.ts'
import { caseDetail } from './case-detail.ts'
import { toolCallList } from './tool-call-list.ts'

const limits = { maxTextBytes: 1000, maxTranscriptBytes: 10_000, maxToolCalls: 2 }

describe('toolCallList', () => {
  it('labels calls of NDJSON text relative to the init cwd, up to the limit', () => {
    const text = [
      { type: 'system', subtype: 'init', cwd: '/w' },
      {
        type: 'assistant',
        message: { content: [{ type: 'tool_use', name: 'Read', input: { file_path: '/w/a.ts' } }] },
      },
      'not json',
      {
        type: 'assistant',
        message: { content: [{ type: 'tool_use', name: 'Bash', input: { command: 'ls\n-la' } }] },
      },
      { type: 'assistant', message: { content: [{ type: 'tool_use', name: 'Glob', input: {} }] } },
    ]
      .map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))
      .join('\n')
    expect(toolCallList(text, 'kept.ndjson', 2)).toEqual({
      calls: ['Read(a.ts)', 'Bash(ls -la)'],
      omitted: 1,
      source: 'kept.ndjson',
    })
  })

  it('reads a seed-format inline transcript', () => {
    expect(toolCallList(transcriptWithTools('Bash', 'Read'), 'inline transcript', 5).calls).toEqual([
      'Bash',
      'Read',
    ])
  })
})

describe('caseDetail', () => {
  it('falls back to the inline transcript, and to the tool summary in a note', () => {
    const inline = caseDetail(tmpdir(), makeTest('a', { transcript: transcriptWithTools('Edit') }), limits)
    expect(inline.toolCalls).toEqual({ calls: ['Edit'], omitted: 0, source: 'inline transcript' })
    const summary = caseDetail(tmpdir(), makeTest('b', { tool_summary: { Bash: 2, Read: 1 } }), limits)
    expect(summary.toolCalls).toBeNull()
    expect(summary.notes).toEqual([
      'No transcript was kept for this case. Tool calls by name: Bash 2, Read 1.',
    ])
  })

  it('says when the agent changed nothing, and cuts a long grader explanation', () => {
    const detail = caseDetail(
      tmpdir(),
      makeTest('c', {
        harvest: { filesChanged: 0, patchPath: '', isDuplicate: false },
        grades: [{ name: 'judge', score: null, pass: false, explanation: 'x'.repeat(30_000) }],
        error: 'boom',
      }),
      limits,
    )
    expect(detail.patch).toBeNull()
    expect(detail.notes).toContain('The agent changed no files (empty patch).')
    expect(detail.grades[0]?.explanation).toBe(`${'x'.repeat(20_000)} … (truncated)`)
    expect(detail.error).toEqual({ text: 'boom', truncated: false, bytes: 4 })
  })
})
