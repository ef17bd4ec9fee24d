import { isDeepStrictEqual } from 'node:util'
import * as z from 'zod'
import type { AgentResult } from '../agents/types.ts'
import { lazy } from '../core/lazy.ts'
import {
  formatToolCall,
  type TranscriptEvent,
  toolCalls as transcriptToolCalls,
} from '../transcript/index.ts'
import { defineGrader, type GraderVerdict, graderOptions } from './define.ts'
import type { Grader } from './types.ts'

/** An expected tool call: a name (or pattern), optionally with parameters its input must have. */
export type ExpectedToolCall =
  | string
  | RegExp
  | { readonly name: string | RegExp; readonly params?: Readonly<Record<string, unknown>> }

/** Options of `graders.toolCalls`. */
export interface ToolCallsOptions {
  /** The expected calls must happen in this order (as a subsequence of the calls made). @default false */
  ordered?: boolean
  /** Pass only when every expected call was made; otherwise one is enough. @default true */
  requireAll?: boolean
  /** Calls beyond the expected ones are fine; when false each costs `extraPenalty` and fails the grade. @default true */
  allowExtras?: boolean
  /**
   * `'fuzzy'`: every expected key is present and equal; strings match as substrings, RegExps
   * test the value, objects match recursively. `'strict'`: the input deep-equals `params`.
   * @default 'fuzzy'
   */
  params?: 'fuzzy' | 'strict'
  /** Score taken off per unexpected call when `allowExtras` is false. @default 1 / expected calls */
  extraPenalty?: number
  /** Grade name. @default 'toolCalls' */
  name?: string
}

const optionsSchema = lazy(() =>
  z.strictObject({
    ordered: z.boolean().optional(),
    requireAll: z.boolean().optional(),
    allowExtras: z.boolean().optional(),
    params: z.enum(['fuzzy', 'strict']).optional(),
    extraPenalty: z.number().min(0).max(1).optional(),
    name: z.string().min(1).optional(),
  }),
)

const expectedSchema = lazy(() =>
  z.array(
    z.union(
      [
        z.string().min(1),
        z.instanceof(RegExp),
        z.strictObject({
          name: z.union([z.string().min(1), z.instanceof(RegExp)]),
          params: z.record(z.string(), z.unknown()).optional(),
        }),
      ],
      'must be a tool name, a RegExp or { name, params? }',
    ),
    'must be a list of expected calls, such as ["Read", { name: "Bash", params: { command: "npm test" } }]',
  ),
)

interface Call {
  readonly name: string
  /** Undefined when only the tool summary is known. */
  readonly input: Readonly<Record<string, unknown>> | undefined
}

interface Wanted {
  readonly name: string | RegExp
  readonly params: Readonly<Record<string, unknown>> | undefined
}

function toWanted(item: ExpectedToolCall): Wanted {
  if (typeof item === 'string' || item instanceof RegExp) return { name: item, params: undefined }
  return { name: item.name, params: item.params }
}

function test(re: RegExp, text: string): boolean {
  re.lastIndex = 0
  return re.test(text)
}

/** Fuzzy parameter matching (see `ToolCallsOptions.params`). */
export function fuzzyMatches(expected: unknown, actual: unknown): boolean {
  if (expected instanceof RegExp)
    return test(expected, typeof actual === 'string' ? actual : (JSON.stringify(actual) ?? ''))
  if (typeof expected === 'string') return typeof actual === 'string' && actual.includes(expected)
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
  if (isObject(expected))
    return (
      isObject(actual) &&
      Object.entries(expected).every(([k, v]) => k in actual && fuzzyMatches(v, actual[k]))
    )
  return isDeepStrictEqual(expected, actual)
}

function label(w: Wanted): string {
  const name = typeof w.name === 'string' ? w.name : String(w.name)
  if (!w.params) return name
  const args = JSON.stringify(w.params, (_k, v) => (v instanceof RegExp ? String(v) : v)).slice(1, -1)
  return `${name}(${args.length > 60 ? `${args.slice(0, 59)}…` : args})`
}

function callsOf(
  agent: AgentResult | undefined,
): { calls: Call[]; from: 'transcript' | 'summary' } | undefined {
  const events = (agent?.transcript ?? []).filter(
    (e): e is TranscriptEvent => typeof e === 'object' && e !== null,
  )
  // Events cut at maxOutputBytes miss the later calls; the summary counts them all.
  if (events.length > 0 && !agent?.outputTruncated?.events)
    return { calls: transcriptToolCalls(events), from: 'transcript' }
  const summary = agent?.metrics?.toolSummary
  if (!summary) return undefined
  const calls: Call[] = []
  for (const [name, count] of Object.entries(summary))
    for (let i = 0; i < count; i++) calls.push({ name, input: undefined })
  return { calls, from: 'summary' }
}

// Pairs (expected index, call index): a longest in-order matching, or a maximum matching.
function pair(
  wanted: readonly Wanted[],
  calls: readonly Call[],
  ok: (w: Wanted, c: Call) => boolean,
  ordered: boolean,
) {
  const fits = wanted.map((w) => calls.map((c) => ok(w, c)))
  if (ordered) {
    const n = wanted.length
    const m = calls.length
    const best = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0))
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        best[i]![j] = Math.max(best[i + 1]![j]!, best[i]![j + 1]!, fits[i]![j] ? 1 + best[i + 1]![j + 1]! : 0)
    const pairs: Array<[number, number]> = []
    for (let i = 0, j = 0; i < n && j < m; ) {
      if (fits[i]![j] && best[i]![j] === 1 + best[i + 1]![j + 1]!) pairs.push([i++, j++])
      else if (best[i + 1]![j] === best[i]![j]) i++
      else j++
    }
    return pairs
  }
  const owner = new Array<number>(calls.length).fill(-1)
  const augment = (i: number, seen: boolean[]): boolean => {
    for (let j = 0; j < calls.length; j++) {
      if (!fits[i]![j] || seen[j]) continue
      seen[j] = true
      if (owner[j] === -1 || augment(owner[j]!, seen)) {
        owner[j] = i
        return true
      }
    }
    return false
  }
  for (let i = 0; i < wanted.length; i++) augment(i, [])
  return owner.flatMap((i, j) => (i === -1 ? [] : [[i, j] as [number, number]])).sort((a, b) => a[0] - b[0])
}

/**
 * Checks the agent's tool calls (from its stream-json transcript, else its tool summary)
 * against the expected ones. Score: matched / expected, less `extraPenalty` per unexpected
 * call when `allowExtras` is false. Without a transcript, only names can be checked:
 * `ordered` or `params` then make the grade unscored.
 *
 * @example graders.toolCalls(['Read', { name: 'Write', params: { file_path: 'review.md' } }], { ordered: true })
 */
export function toolCalls(expected: readonly ExpectedToolCall[], options: ToolCallsOptions = {}): Grader {
  graderOptions('graders.toolCalls()', expectedSchema(), expected, 'expected')
  graderOptions('graders.toolCalls()', optionsSchema(), options)
  const wanted = expected.map(toWanted)
  const mode = options.params ?? 'fuzzy'
  const penalty = options.extraPenalty ?? 1 / Math.max(1, wanted.length)
  const ordered = options.ordered ?? false
  const requireAll = options.requireAll ?? true
  const allowExtras = options.allowExtras ?? true

  const ok = (w: Wanted, c: Call) => {
    const named = typeof w.name === 'string' ? w.name === c.name : test(w.name, c.name)
    if (!named || !w.params) return named
    return mode === 'strict' ? isDeepStrictEqual(c.input, w.params) : fuzzyMatches(w.params, c.input)
  }

  return defineGrader(options.name ?? 'toolCalls', ({ agent }): GraderVerdict => {
    const found = callsOf(agent)
    if (!found)
      return {
        score: null,
        pass: false,
        explanation: 'no agent transcript or tool summary to read tool calls from',
      }
    if (found.from === 'summary' && (ordered || wanted.some((w) => w.params)))
      return {
        score: null,
        pass: false,
        explanation: `only a tool summary is available, so ${ordered ? 'the order' : 'parameters'} cannot be checked; ${agent?.outputTruncated?.events ? 'the transcript was cut at maxOutputBytes: raise it' : 'keep the transcript'}`,
      }
    const { calls } = found
    const pairs = pair(wanted, calls, ok, ordered)
    const usedCalls = new Set(pairs.map(([, j]) => j))
    const usedWanted = new Set(pairs.map(([i]) => i))
    const show = (c: Call) => (c.input ? formatToolCall(c.name, c.input) : c.name)
    const missing = wanted.filter((_, i) => !usedWanted.has(i)).map(label)
    const extra = calls.filter((_, j) => !usedCalls.has(j)).map(show)
    const base = wanted.length === 0 ? 1 : pairs.length / wanted.length
    const score = allowExtras ? base : Math.max(0, base - extra.length * penalty)
    const enough = requireAll ? missing.length === 0 : pairs.length > 0 || wanted.length === 0
    const pass = enough && (allowExtras || extra.length === 0)
    const parts = [
      `matched ${pairs.length}/${wanted.length} expected tool calls${ordered ? ' in order' : ''}`,
    ]
    if (missing.length) parts.push(`missing: ${missing.join(', ')}`)
    if (!allowExtras && extra.length) parts.push(`unexpected: ${extra.join(', ')}`)
    else if (extra.length) parts.push(`${extra.length} other call${extra.length === 1 ? '' : 's'}`)
    return {
      score,
      pass,
      explanation: parts.join('; '),
      metadata: {
        matched: pairs.map(([i, j]) => ({ expected: label(wanted[i]!), call: show(calls[j]!) })),
        missing,
        unexpected: extra,
        calls: calls.length,
      },
    }
  })
}
