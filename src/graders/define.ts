import * as z from 'zod'
import { graderConfig } from '../core/errors.ts'
import { lazy } from '../core/lazy.ts'
import { parseOptions } from '../core/validate.ts'
import type { Grade, Grader, GraderContext } from './types.ts'

/**
 * Checks a grader factory's argument where the eval is defined: `api` names the factory
 * (`graders.command()`), `prefix` the argument when it is not the options object.
 */
export function graderOptions<S extends z.ZodType>(
  api: string,
  schema: S,
  value: unknown,
  prefix?: string,
): z.output<S> {
  return parseOptions(schema, value, { api, error: graderConfig, prefix: prefix ? [prefix] : undefined })
}

/** A judge model: a model name, a client from `createModelClient`, or options for one. */
export const judgeModelSchema = lazy(() =>
  z.custom<unknown>(
    (v) => (typeof v === 'string' && v !== '') || (typeof v === 'object' && v !== null),
    'must be a model name, a client from createModelClient() or options for one',
  ),
)

const defineOptionsSchema = lazy(() =>
  z.strictObject({
    passAt: z.number().min(0).max(1).optional(),
    needsSandbox: z.boolean().optional(),
  }),
)

/** What a grader function may return; `defineGrader` turns it into a `Grade`. */
export type GraderVerdict =
  | boolean
  | number
  | (Partial<Grade> & ({ pass: boolean } | { score: number | null }))

export interface DefineGraderOptions {
  /** A number verdict passes at or above this score. @default 1 */
  passAt?: number
  /** The grader runs commands in the case's sandbox. @default false */
  needsSandbox?: boolean
}

/**
 * Makes a grader from a function. The function may return a boolean (pass/fail), a number
 * (score in 0..1), or a partial grade. If it throws, the case gets an unscored grade with
 * the error (never a crash).
 *
 * @example
 * const short = defineGrader('short answer', ({ output }) => output.length < 200)
 */
export function defineGrader(
  name: string,
  fn: (ctx: GraderContext) => GraderVerdict | Promise<GraderVerdict>,
  options: DefineGraderOptions = {},
): Grader {
  graderOptions('defineGrader()', z.string().min(1), name, 'name')
  graderOptions(
    'defineGrader()',
    z.custom((v) => typeof v === 'function', 'must be a function'),
    fn,
    'fn',
  )
  graderOptions('defineGrader()', defineOptionsSchema(), options)
  const passAt = options.passAt ?? 1
  const grader = async (ctx: GraderContext): Promise<Grade> => toGrade(name, await fn(ctx), passAt)
  return Object.assign(grader, { graderName: name, needsSandbox: options.needsSandbox ?? false })
}

function toGrade(name: string, verdict: GraderVerdict, passAt: number): Grade {
  if (typeof verdict === 'boolean') {
    return { name, score: verdict ? 1 : 0, pass: verdict, explanation: verdict ? 'passed' : 'failed' }
  }
  if (typeof verdict === 'number') {
    if (!Number.isFinite(verdict) || verdict < 0 || verdict > 1) {
      throw new Error(`grader "${name}" returned the score ${verdict}; scores are numbers from 0 to 1`)
    }
    const pass = verdict >= passAt
    return { name, score: verdict, pass, explanation: `score ${verdict.toFixed(2)} (passes at ${passAt})` }
  }
  if (typeof verdict !== 'object' || verdict === null) {
    throw new Error(`grader "${name}" returned ${String(verdict)}; return a boolean, a score or a grade`)
  }
  const score = verdict.score === undefined ? (verdict.pass ? 1 : 0) : verdict.score
  const pass = verdict.pass ?? (score !== null && score >= passAt)
  return {
    ...verdict,
    name: verdict.name ?? name,
    score,
    pass,
    explanation: verdict.explanation ?? (pass ? 'passed' : 'failed'),
  }
}

/** A short, single-line rendering of text for explanations. */
export function snippet(text: string, max = 120): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return JSON.stringify(line.length > max ? `${line.slice(0, max - 3)}...` : line)
}
