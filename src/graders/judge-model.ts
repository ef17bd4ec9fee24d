import * as z from 'zod'
import { lazy } from '../core/lazy.ts'
import type { CompleteRequest, ModelClient, ModelClientOptions, ModelMessage } from '../models/index.ts'
import { createModelClient } from '../models/index.ts'
import { extractJson } from './json-text.ts'

/**
 * The model that judges: a client from `createModelClient`, options for one, or a model name
 * (everything else from the environment: `EVALBOX_MODEL_*`, `ANTHROPIC_API_KEY`...).
 */
export type JudgeModel = ModelClient | ModelClientOptions | string

/** One judge call, for cost accounting. Cached calls cost 0 now. */
export interface JudgeCall {
  readonly model: string
  readonly costUsd: number
  readonly cached: boolean
  readonly durationMs: number
  /** Tokens the call used (uncached input, output). */
  readonly tokens: { readonly input: number; readonly output: number }
}

/** What a judge answer parses to: the value, or a reason the answer is unusable. */
export type JudgeParse<T> = { readonly value: T } | { readonly error: string }

/** The outcome of `askForJson`. `value` is undefined when both attempts were unusable. */
export interface JudgeAnswer<T> {
  readonly value: T | undefined
  /** Why the last answer was unusable. */
  readonly error?: string
  /** The last answer's text. */
  readonly text: string
  readonly calls: readonly JudgeCall[]
}

function isClient(model: JudgeModel): model is ModelClient {
  return typeof model === 'object' && typeof (model as ModelClient).complete === 'function'
}

/**
 * A lazy client for a grader: made on first use, so that defining an eval never needs an API
 * key, and shared by every case the grader judges (one cache, one spend total).
 */
export function lazyJudgeClient(model: JudgeModel | undefined): () => ModelClient {
  let client: ModelClient | undefined
  return () => {
    if (client) return client
    if (model !== undefined && isClient(model)) client = model
    else client = createModelClient(typeof model === 'string' ? { model } : (model ?? {}))
    return client
  }
}

/**
 * Asks for a JSON answer and parses it; an unusable answer (not JSON, or `parse` rejects it)
 * is asked again once, with the reason. The retry is a different request, so a cached bad
 * answer is not served twice.
 */
export async function askForJson<T>(
  client: ModelClient,
  request: CompleteRequest,
  parse: (value: unknown) => JudgeParse<T>,
): Promise<JudgeAnswer<T>> {
  const calls: JudgeCall[] = []
  let messages: ModelMessage[] = [...request.messages]
  let error = ''
  let text = ''
  for (let attempt = 0; attempt < 2; attempt++) {
    const result = await client.complete({ ...request, messages })
    calls.push({
      model: result.model,
      costUsd: result.costUsd,
      cached: result.cached,
      durationMs: result.durationMs,
      tokens: {
        input: result.usage.input + (result.usage.cacheRead ?? 0) + (result.usage.cacheWrite ?? 0),
        output: result.usage.output,
      },
    })
    text = result.text
    const json = extractJson(text)
    const parsed: JudgeParse<T> = json === undefined ? { error: 'the answer was not JSON' } : parse(json)
    if ('value' in parsed) return { value: parsed.value, text, calls }
    error = parsed.error
    messages = [
      ...messages,
      { role: 'assistant', content: text || '(empty)' },
      {
        role: 'user',
        content: `That answer could not be used: ${error}. Reply again with only the JSON object, in the format asked for.`,
      },
    ]
  }
  return { value: undefined, error, text, calls }
}

/** Cost facts of a grader's judge calls, for `metadata`. */
export function judgeCost(calls: readonly JudgeCall[]): {
  costUsd: number
  tokens: { input: number; output: number }
  cached: boolean
  calls: JudgeCall[]
} {
  const costUsd = calls.reduce((sum, call) => sum + call.costUsd, 0)
  return {
    costUsd: Math.round(costUsd * 1e8) / 1e8,
    tokens: {
      input: calls.reduce((sum, call) => sum + call.tokens.input, 0),
      output: calls.reduce((sum, call) => sum + call.tokens.output, 0),
    },
    cached: calls.length > 0 && calls.every((call) => call.cached),
    calls: [...calls],
  }
}

/** How an LLM judge decides: how many judgements make a verdict, and whether a fail is re-judged. */
export interface JudgeVoting {
  /**
   * Independent judgements per verdict (odd); the majority decides, and judging stops as soon
   * as the majority is settled. Each vote is recorded in `metadata.votes`. @default 1
   */
  votes?: number
  /**
   * Confirm-on-fail: a failing verdict is judged again (another `votes` judgements) and the
   * grade fails only if the re-judgement fails too. @default false (`plantedBugs`: true)
   */
  confirm?: boolean
}

/** The zod shape of {@link JudgeVoting}, for a judge's options schema. */
export const judgeVotingShape = lazy(() => ({
  votes: z
    .number()
    .int()
    .positive()
    .refine(
      (n) => n % 2 === 1,
      'must be an odd number of judgements, such as 1, 3 or 5, so a majority exists',
    )
    .optional(),
  confirm: z.boolean().optional(),
}))

/** One judgement of a verdict, as `metadata.votes` records it. */
export interface JudgeVote {
  /** 1 for the first verdict, 2 for the confirming re-judgement. */
  readonly round: 1 | 2
  readonly pass: boolean
  readonly reasoning: string
  readonly costUsd: number
  readonly tokens: { readonly input: number; readonly output: number }
  readonly cached: boolean
  /** What the judge said (scores, counts), as the grader words it. */
  readonly verdict: Record<string, unknown>
}

/** What a judge asks and how it reads an answer, for {@link judgeByVotes}. */
export interface JudgeBallot<T> {
  /**
   * Asks for judgement `n` (1-based over the whole verdict). From the second on, the request
   * must differ (see {@link independentJudgement}) so the cache does not replay the first.
   */
  ask(n: number): Promise<JudgeAnswer<T>>
  passes(value: T): boolean
  reasoning(value: T): string
  /** The vote's record in `metadata.votes`. */
  record(value: T): Record<string, unknown>
}

/** The outcome of {@link judgeByVotes}. */
export interface JudgedVerdict<T> {
  /** The judgement kept: the first on the deciding side. Undefined when the first verdict had no usable answer. */
  readonly value: T | undefined
  readonly pass: boolean
  readonly votes: JudgeVote[]
  readonly calls: JudgeCall[]
  /** Why an answer was unusable (the first such reason). */
  readonly error?: string
  /** The last answer's text. */
  readonly text: string
  /** True when a failing first verdict was overturned by the confirming re-judgement. */
  readonly overturned: boolean
}

/** The system prompt of judgement `n`: the first as given, later ones marked, so each is a distinct request. */
export function independentJudgement(system: string, n: number): string {
  return n === 1 ? system : `${system}\n\n(Independent judgement ${n}.)`
}

/**
 * The one voting mechanism of every LLM judge: a verdict is the majority of `votes`
 * judgements (stopping once settled; unusable answers cast no vote, a tie fails); with
 * `confirm`, a failing verdict is judged again and the grade fails only if that fails too.
 */
export async function judgeByVotes<T>(
  voting: JudgeVoting,
  ballot: JudgeBallot<T>,
): Promise<JudgedVerdict<T>> {
  const n = voting.votes ?? 1
  const calls: JudgeCall[] = []
  const votes: JudgeVote[] = []
  const values: T[] = []
  let error: string | undefined
  let text = ''
  let asked = 0

  const verdict = async (round: 1 | 2): Promise<{ pass: boolean; usable: number }> => {
    const majority = Math.floor(n / 2) + 1
    let passes = 0
    let fails = 0
    for (let i = 0; i < n && passes < majority && fails < majority; i++) {
      const answer = await ballot.ask(++asked)
      calls.push(...answer.calls)
      text = answer.text
      if (answer.value === undefined) {
        error ??= answer.error
        continue
      }
      const pass = ballot.passes(answer.value)
      const cost = judgeCost(answer.calls)
      values.push(answer.value)
      votes.push({
        round,
        pass,
        reasoning: ballot.reasoning(answer.value),
        costUsd: cost.costUsd,
        tokens: cost.tokens,
        cached: cost.cached,
        verdict: ballot.record(answer.value),
      })
      if (pass) passes++
      else fails++
    }
    return { pass: passes > fails, usable: passes + fails }
  }

  const first = await verdict(1)
  if (first.usable === 0)
    return {
      value: undefined,
      pass: false,
      votes,
      calls,
      text,
      overturned: false,
      ...(error !== undefined && { error }),
    }
  let pass = first.pass
  let deciding: 1 | 2 = 1
  if (!pass && voting.confirm) {
    const second = await verdict(2)
    // An unusable re-judgement confirms nothing: the first verdict stands.
    if (second.usable > 0) {
      pass = second.pass
      deciding = 2
    }
  }
  const kept = votes.findIndex((vote) => vote.round === deciding && vote.pass === pass)
  return {
    value: values[kept === -1 ? 0 : kept],
    pass,
    votes,
    calls,
    text,
    ...(error !== undefined && { error }),
    overturned: pass && deciding === 2,
  }
}

/**
 * How a verdict was reached, for a grade's explanation: empty for a single judgement, else
 * ` (3 judgements: 2 pass, 1 fail)` and, when confirm-on-fail overturned a fail, that too.
 */
export function describeVotes(judged: JudgedVerdict<unknown>): string {
  if (judged.votes.length <= 1) return ''
  const passes = judged.votes.filter((vote) => vote.pass).length
  const counts = `${judged.votes.length} judgements: ${passes} pass, ${judged.votes.length - passes} fail`
  if (judged.overturned) return ` (${counts}; the failing verdict was not confirmed)`
  if (judged.votes.some((vote) => vote.round === 2)) return ` (${counts}; the fail was confirmed)`
  return ` (${counts})`
}
