import * as z from 'zod'
import { describeValue, EvalboxError } from '../core/errors.ts'
import { lazy } from '../core/lazy.ts'
import { defineGrader, graderOptions, judgeModelSchema, snippet } from './define.ts'
import {
  askForJson,
  describeVotes,
  independentJudgement,
  type JudgeModel,
  type JudgeParse,
  type JudgeVoting,
  judgeByVotes,
  judgeCost,
  judgeVotingShape,
  lazyJudgeClient,
} from './judge-model.ts'
import type { Grader, GraderContext } from './types.ts'

/** Options of `graders.llmJudge`. */
export interface LlmJudgeOptions extends JudgeVoting {
  /** What a good output is, in plain words. */
  rubric: string
  /** Lowest and highest score (highest is best). @default [1, 5] */
  scale?: readonly [number, number]
  /** Mean score (on `scale`) needed to pass. @default the middle of the scale (3 on [1, 5]) */
  threshold?: number
  /** The judge model. @default the environment's (`EVALBOX_JUDGE_MODEL`...) */
  model?: JudgeModel
  /** Criteria scored separately: names, or names with what each means. @default ['overall'] */
  criteria?: readonly string[] | Readonly<Record<string, string>>
  /** Grade name. @default 'llmJudge' */
  name?: string
}

interface Judgement {
  scores: Record<string, number>
  reasoning: string
}

function bad(message: string): never {
  throw new EvalboxError('GRADER_CONFIG', `graders.llmJudge(): ${message}`)
}

const optionsSchema = lazy(() =>
  z.strictObject({
    rubric: z.string().refine((rubric) => rubric.trim() !== '', 'must say what a good output is'),
    scale: z
      .tuple([z.number().finite(), z.number().finite()], 'must be [lowest, highest], such as [1, 5]')
      .refine(([lo, hi]) => lo < hi, 'must be [lowest, highest] with lowest < highest, such as [1, 5]')
      .optional(),
    threshold: z.number().finite().optional(),
    model: judgeModelSchema().optional(),
    criteria: z
      .union([
        z.array(z.string().refine((name) => name.trim() !== '', 'must name a criterion')).min(1),
        z
          .record(z.string(), z.string())
          .refine((given) => Object.keys(given).length > 0, 'must name at least one criterion'),
      ])
      .optional(),
    name: z.string().min(1).optional(),
    ...judgeVotingShape(),
  }),
)

function checkOptions(options: LlmJudgeOptions) {
  graderOptions('graders.llmJudge()', optionsSchema(), options)
  const [lo, hi] = options.scale ?? [1, 5]
  const threshold = options.threshold ?? (lo + hi) / 2
  if (!Number.isFinite(threshold) || threshold < lo || threshold > hi)
    bad(
      `Expected \`threshold\` to be a score on the scale [${lo}, ${hi}], got ${describeValue(options.threshold)}. ` +
        'It is the mean score needed to pass, in the units of the scale.',
    )
  const given = options.criteria ?? ['overall']
  const criteria: Array<[string, string]> = Array.isArray(given)
    ? given.map((name) => [name, ''])
    : Object.entries(given as Record<string, string>)
  return { lo, hi, threshold, criteria }
}

function render(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? String(value))
}

/**
 * Grades the output with a judge model against a rubric. The model answers strict JSON,
 * `{ "scores": { "<criterion>": n }, "reasoning": "..." }`; an unusable answer is asked
 * again once, then the grade is unscored. Score: the mean of the criteria scaled to 0..1;
 * passes when the mean on the scale reaches `threshold`. `metadata.entry` carries
 * `judge_scores` and `judge_reasoning`; `metadata.costUsd` the judge's cost (0 for cached
 * answers, with `metadata.cached: true`).
 *
 * @example graders.llmJudge({ rubric: 'Explains the bug and its fix correctly', threshold: 4 })
 */
export function llmJudge(options: LlmJudgeOptions): Grader {
  const { lo, hi, threshold, criteria } = checkOptions(options)
  const client = lazyJudgeClient(options.model)
  const names = criteria.map(([name]) => name)
  const system = [
    'You are a strict, fair grader. Grade the output against the rubric.',
    `Score each criterion with a number from ${lo} (worst) to ${hi} (best).`,
    'Answer with only a JSON object, no other text:',
    `{"scores": {${names.map((n) => `"${n}": <number>`).join(', ')}}, "reasoning": "<two or three sentences>"}`,
  ].join('\n')

  const parse = (value: unknown): JudgeParse<Judgement> => {
    const answer = value as { scores?: unknown; score?: unknown; reasoning?: unknown }
    let scores = answer?.scores as Record<string, unknown> | undefined
    if (scores === undefined && names.length === 1 && typeof answer?.score === 'number')
      scores = { [names[0]!]: answer.score }
    if (typeof scores !== 'object' || scores === null) return { error: 'the answer has no `scores` object' }
    const result: Record<string, number> = {}
    for (const name of names) {
      const n = scores[name]
      if (typeof n !== 'number' || !Number.isFinite(n) || n < lo || n > hi)
        return { error: `\`scores.${name}\` must be a number from ${lo} to ${hi}, got ${describeValue(n)}` }
      result[name] = n
    }
    return {
      value: { scores: result, reasoning: typeof answer.reasoning === 'string' ? answer.reasoning : '' },
    }
  }

  const prompt = (ctx: GraderContext): string => {
    const parts = [`Rubric:\n${options.rubric.trim()}`]
    if (criteria.some(([, what]) => what))
      parts.push(
        `Criteria:\n${criteria.map(([name, what]) => `- ${name}${what ? `: ${what}` : ''}`).join('\n')}`,
      )
    if (ctx.input !== undefined) parts.push(`<input>\n${render(ctx.input)}\n</input>`)
    if (ctx.expected !== undefined) parts.push(`<expected>\n${render(ctx.expected)}\n</expected>`)
    parts.push(`<output>\n${ctx.output}\n</output>`)
    return parts.join('\n\n')
  }

  const meanOf = (scores: Record<string, number>) =>
    names.reduce((sum, name) => sum + scores[name]!, 0) / names.length

  return defineGrader(options.name ?? 'llmJudge', async (ctx) => {
    const user = prompt(ctx)
    const judged = await judgeByVotes<Judgement>(options, {
      ask: (n) =>
        askForJson(
          client(),
          {
            system: independentJudgement(system, n),
            messages: [{ role: 'user', content: user }],
            signal: ctx.signal,
          },
          parse,
        ),
      passes: (value) => meanOf(value.scores) >= threshold,
      reasoning: (value) => value.reasoning,
      record: (value) => ({ scores: value.scores }),
    })
    const cost = judgeCost(judged.calls)
    const votes = options.votes !== undefined || options.confirm ? { votes: judged.votes } : {}
    if (!judged.value)
      return {
        score: null,
        pass: false,
        explanation: `the judge's answer was unusable twice (${judged.error}): ${snippet(judged.text, 80)}`,
        metadata: { ...votes, ...cost },
      }
    const { scores, reasoning } = judged.value
    const mean = meanOf(scores)
    const shown = names.map((name) => `${name} ${scores[name]}`).join(', ')
    return {
      score: (mean - lo) / (hi - lo),
      pass: judged.pass,
      explanation: `${shown} on [${lo}, ${hi}] (passes at ${threshold})${describeVotes(judged)}${reasoning ? `: ${snippet(reasoning, 160)}` : ''}`,
      metadata: {
        entry: { judge_scores: scores, judge_reasoning: reasoning },
        scale: [lo, hi],
        threshold,
        ...votes,
        ...cost,
      },
    }
  })
}
