import { describe, expect, it } from 'vitest'
import type { TranscriptEvent } from './events.ts'
import { deriveMetrics } from './metrics.ts'
import { formatToolCall } from './tool-calls.ts'

describe('formatToolCall', () => {
  it('picks the most telling input field per tool', () => {
    expect(formatToolCall('Write', { file_path: '/w/review.md', content: 'long text' })).toBe(
      'Write(/w/review.md)',
    )
    expect(formatToolCall('Bash', { command: 'npm test', description: 'Run tests' })).toBe('Bash(npm test)')
    expect(formatToolCall('Grep', { pattern: 'TODO', output_mode: 'content' })).toBe('Grep(TODO)')
    expect(formatToolCall('WebFetch', { url: 'https://example.com/a', prompt: 'summarise' })).toBe(
      'WebFetch(https://example.com/a)',
    )
    expect(formatToolCall('Task', { description: 'Explore repo', prompt: 'very long prompt' })).toBe(
      'Task(Explore repo)',
    )
  })

  it('falls back to the bare tool name when no field tells anything', () => {
    expect(formatToolCall('TodoWrite', { todos: [{ content: 'x' }] })).toBe('TodoWrite')
    expect(formatToolCall('Bash', { command: '   ' })).toBe('Bash')
  })

  it('shows paths relative to the working directory', () => {
    expect(formatToolCall('Read', { file_path: '/workspace/src/a.ts' }, { cwd: '/workspace' })).toBe(
      'Read(src/a.ts)',
    )
    expect(formatToolCall('Read', { file_path: '/elsewhere/a.ts' }, { cwd: '/workspace' })).toBe(
      'Read(/elsewhere/a.ts)',
    )
    expect(formatToolCall('Read', { file_path: '/workspace2/a.ts' }, { cwd: '/workspace/' })).toBe(
      'Read(/workspace2/a.ts)',
    )
  })

  it('collapses whitespace in commands and trims long ones at the end, long paths at the start', () => {
    const command = `npm install\n  && ${'x'.repeat(100)}`
    const shownCommand = formatToolCall('Bash', { command })
    expect(shownCommand).toMatch(/^Bash\(npm install && x+…\)$/)
    expect(shownCommand.length).toBe('Bash()'.length + 60)
    const path = `/${'deep/'.repeat(20)}file.ts`
    const shownPath = formatToolCall('Edit', { file_path: path })
    expect(shownPath).toMatch(/^Edit\(….*\/deep\/file\.ts\)$/)
    expect(shownPath.length).toBe('Edit()'.length + 60)
  })
})

describe('last tool call', () => {
  it('uses the init cwd and returns undefined when there were no tool calls', () => {
    const events: TranscriptEvent[] = [
      { type: 'system', subtype: 'init', cwd: '/repo' },
      {
        type: 'assistant',
        message: { content: [{ type: 'tool_use', name: 'Write', input: { file_path: '/repo/out.md' } }] },
      },
    ]
    const lastToolCall = (list: TranscriptEvent[]) =>
      deriveMetrics(list.map((event) => ({ event }))).lastToolCall
    expect(lastToolCall(events)).toBe('Write(out.md)')
    expect(lastToolCall(events.slice(0, 1))).toBeUndefined()
  })
})
