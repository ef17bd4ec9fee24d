import * as z from 'zod'
import { lazy } from '../core/lazy.ts'
import { graderOptions } from './define.ts'
import type { Grade, Grader, GraderContext } from './types.ts'

const graderSchema = lazy(() =>
  z.custom<Grader>(
    (v) => typeof v === 'function' && typeof (v as Partial<Grader>).graderName === 'string',
    'must be a grader (made with graders.* or defineGrader)',
  ),
)

/**
 * Passes when `grader` fails: for evals that check a grader itself ("a tampered test must be
 * graded failing"), so that a grader that stops catching the failure fails the run. The inner
 * grade is kept in `metadata.inner`; an unscored inner grade stays unscored (it never passes).
 * What the inner grade reports to the result entry (`metadata.entry`: detection rate, judge
 * scores) and the judge's cost (`metadata.costUsd`) carry over, since they measure the run.
 *
 * @example graders: [graders.not(graders.unitTests())]
 */
export function not(grader: Grader, options: { name?: string } = {}): Grader {
  graderOptions('graders.not()', graderSchema(), grader, 'grader')
  graderOptions('graders.not()', z.strictObject({ name: z.string().min(1).optional() }), options)
  const name = options.name ?? `not(${grader.graderName})`
  const negated = async (ctx: GraderContext): Promise<Grade> => {
    const inner = await grader(ctx)
    const metadata = { ...lifted(inner), inner }
    if (inner.score === null) {
      return {
        name,
        score: null,
        pass: false,
        explanation: `${inner.name} could not grade: ${inner.explanation}`,
        metadata,
      }
    }
    return {
      name,
      score: 1 - inner.score,
      pass: !inner.pass,
      explanation: inner.pass
        ? `expected ${inner.name} to fail, but it passed: ${inner.explanation}`
        : `${inner.name} failed as expected: ${inner.explanation}`,
      metadata,
    }
  }
  return Object.assign(negated, { graderName: name, needsSandbox: grader.needsSandbox ?? false })
}

/** The inner grade's entry fields and judge cost, which the case's result entry reads. */
function lifted(inner: Grade): Record<string, unknown> {
  const { entry, costUsd } = inner.metadata ?? {}
  return {
    ...(entry === undefined ? {} : { entry }),
    ...(costUsd === undefined ? {} : { costUsd }),
  }
}
