import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DEFAULT_PRICING } from '../core/pricing.ts'
import type { TranscriptEvent } from './events.ts'
import { type DeriveMetricsOptions, deriveMetrics } from './metrics.ts'
import { parseTranscript } from './parser.ts'

const load = (name: string): TranscriptEvent[] =>
  parseTranscript(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'))
const entries = (events: readonly TranscriptEvent[]) => events.map((event) => ({ event }))
const metricsOf = (events: readonly TranscriptEvent[], options: DeriveMetricsOptions = {}) =>
  deriveMetrics(entries(events), options)
const withoutResult = (events: readonly TranscriptEvent[]) =>
  events.filter((event) => event.type !== 'result')

const assistant = (id: string | undefined, content: unknown[], extra: Record<string, unknown> = {}) =>
  ({ type: 'assistant', message: { id, model: 'claude-haiku-4-5', content }, ...extra }) as TranscriptEvent

describe('deriveMetrics on recorded transcripts', () => {
  it('success run with several tools', () => {
    expect(deriveMetrics(entries(load('success-tools.ndjson')))).toEqual({
      turns: 7,
      toolSummary: { Bash: 2, Read: 1, Grep: 1, Edit: 1, Write: 1 },
      lastToolCall: 'Write(review.md)',
      tokens: { input: 39, output: 675, cacheRead: 111_914, cacheWrite: 6213 },
      costUsd: 0.06711495,
      model: 'claude-sonnet-4-6',
      finalMessage:
        'Fixed the off-by-one in `paginate()`: the slice end now includes the last item. All 12 tests pass ✓ — notes in review.md. 🎉',
    })
  })

  it('error_max_turns run: no result text, so the last assistant text is the final message', () => {
    expect(deriveMetrics(entries(load('max-turns.ndjson')))).toEqual({
      turns: 3,
      toolSummary: { Bash: 2, Read: 1 },
      lastToolCall: 'Read(package.json)',
      tokens: { input: 13, output: 187, cacheRead: 8010, cacheWrite: 4440 },
      costUsd: 0.012784,
      model: 'claude-haiku-4-5-20251001',
      finalMessage: 'Let me check the build first.',
    })
  })

  it('transcript cut by a timeout: counts from the messages, priced with a table', () => {
    const metrics = deriveMetrics(entries(load('timeout-cut.ndjson')), {
      pricing: DEFAULT_PRICING,
      timedOut: true,
    })
    expect(metrics).toMatchObject({ turns: 3, timeoutAtTurn: 3, toolSummary: { Bash: 3 } })
    // 15×3 + 166×15 + 10380×0.30 + 5380×3.75 micro-dollars at Sonnet 4.6 prices
    expect(metrics.costUsd).toBeCloseTo(0.025824, 10)
  })

  it('malformed and blank lines do not disturb the metrics', () => {
    expect(deriveMetrics(entries(load('malformed-lines.ndjson')))).toEqual({
      turns: 1,
      toolSummary: {},
      tokens: { input: 3, output: 12, cacheRead: 0, cacheWrite: 2000 },
      costUsd: 0.0077,
      model: 'claude-sonnet-4-6',
      finalMessage: 'Done: nothing to change.',
    })
  })

  it('non-object JSON lines do not disturb the metrics', () => {
    expect(deriveMetrics(entries(load('non-object-lines.ndjson')))).toEqual({
      turns: 2,
      toolSummary: { Glob: 1 },
      lastToolCall: 'Glob(**/*.test.ts)',
      tokens: { input: 8, output: 39, cacheRead: 1800, cacheWrite: 1860 },
      model: 'claude-sonnet-4-6',
      finalMessage: 'There is one test file.',
    })
  })
})

describe('derivations without a result event', () => {
  const events = withoutResult(load('success-tools.ndjson'))

  it('counts turns per message id, not per content-block event', () => {
    expect(events.filter((event) => event.type === 'assistant')).toHaveLength(9)
    expect(metricsOf(events).turns).toBe(7)
  })

  it('sums usage once per message (the last event of an id wins), matching the result total', () => {
    expect(metricsOf(events).tokens).toEqual({ input: 39, output: 675, cacheRead: 111_914, cacheWrite: 6213 })
  })

  it('prices the messages to the same cost Claude Code reported', () => {
    expect(metricsOf(events).costUsd).toBeUndefined()
    expect(metricsOf(events, { pricing: DEFAULT_PRICING }).costUsd).toBeCloseTo(0.06711495, 10)
  })

  it('takes the final message from the last assistant text', () => {
    expect(metricsOf(events).finalMessage).toMatch(/^Fixed the off-by-one/)
  })
})

describe('edge cases', () => {
  it('does not count subagent messages as turns, but counts their tool calls', () => {
    const events = [
      assistant('m1', [{ type: 'tool_use', id: 't1', name: 'Task', input: { description: 'Explore repo' } }]),
      assistant('s1', [{ type: 'tool_use', id: 't2', name: 'Grep', input: { pattern: 'x' } }], {
        parent_tool_use_id: 't1',
      }),
      assistant('m2', [{ type: 'text', text: 'done' }]),
    ]
    expect(metricsOf(events).turns).toBe(2)
    expect(metricsOf(events).toolSummary).toEqual({ Task: 1, Grep: 1 })
  })

  it('counts a replayed tool_use block once', () => {
    const block = { type: 'tool_use', id: 't1', name: 'Bash', input: { command: 'ls' } }
    expect(metricsOf([assistant('m1', [block]), assistant('m1', [block])]).toolSummary).toEqual({ Bash: 1 })
  })

  it('joins the text blocks of the last message that has text', () => {
    const events = [
      assistant('m1', [{ type: 'text', text: 'old' }]),
      assistant('m2', [{ type: 'text', text: 'first part' }]),
      assistant('m2', [{ type: 'text', text: 'second part' }]),
      assistant('m3', [{ type: 'tool_use', id: 't', name: 'Bash', input: {} }]),
    ]
    expect(metricsOf(events).finalMessage).toBe('first part\n\nsecond part')
  })

  it('takes the model from the first assistant message when there is no init event', () => {
    expect(metricsOf([assistant('m1', [])]).model).toBe('claude-haiku-4-5')
  })

  it('measures the largest gap between consecutive assistant events', () => {
    const timed = [
      { event: { type: 'system', subtype: 'init' } as TranscriptEvent, at: 0 },
      { event: assistant('m1', []), at: 100 },
      { event: { type: 'user' } as TranscriptEvent, at: 5000 },
      { event: assistant('m2', []), at: 7100 },
      { event: assistant('m3', []), at: 7200 },
    ]
    expect(deriveMetrics(timed).maxInterTurnMs).toBe(7000)
    expect(deriveMetrics(timed.slice(0, 2)).maxInterTurnMs).toBeUndefined()
  })

  it('returns zero turns and empty summaries for an empty transcript', () => {
    expect(deriveMetrics([], { startedAt: 0 })).toEqual({ turns: 0, toolSummary: {} })
  })
})

describe('a transcript whose tokens are only in its result (Codex, Gemini CLI)', () => {
  const events = [
    { type: 'system', subtype: 'init', model: 'gpt-5.5' },
    { type: 'assistant', message: { id: 'm1', content: [{ type: 'text', text: 'Done.' }] } },
    { type: 'result', subtype: 'success', num_turns: 1, usage: { input_tokens: 1000, output_tokens: 100 } },
  ]

  it('prices the result usage at the transcript model, so maxCostUsd can watch it', () => {
    // 1000 × $5 + 100 × $30 per million tokens at gpt-5.5 list prices
    expect(deriveMetrics(entries(events), { pricing: DEFAULT_PRICING }).costUsd).toBeCloseTo(0.008, 10)
  })

  it('leaves the cost unknown without a price for the model', () => {
    const other = events.map((e) => (e.type === 'system' ? { ...e, model: 'unknown-model' } : e))
    expect(deriveMetrics(entries(other), { pricing: DEFAULT_PRICING }).costUsd).toBeUndefined()
  })
})
