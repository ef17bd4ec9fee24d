import { describe, expect, it } from 'vitest'
import { countToolCalls, extractToolSummary } from './tool-summary.ts'

describe('extractToolSummary', () => {
  it('counts tool_use items of assistant events and ignores everything else', () => {
    const transcript = [
      null,
      'text line',
      { type: 'user', message: { content: [{ type: 'tool_use', name: 'Bash' }] } },
      { type: 'assistant', message: { content: 'plain text' } },
      { type: 'assistant' },
      {
        type: 'assistant',
        message: { content: [{ type: 'tool_use', name: 'Bash' }, { type: 'tool_use' }, { type: 'text' }, 7] },
      },
      { type: 'assistant', message: { content: [{ type: 'tool_use', name: 'Bash' }] } },
    ]
    const summary = extractToolSummary(transcript)
    expect(summary).toEqual({ Bash: 2, unknown: 1 })
    expect(countToolCalls(summary)).toBe(3)
  })
})
