import { errorMessage } from '../errors.ts'
import type { Grade, Grader, GraderContext } from '../graders/types.ts'
import type { Sandbox } from '../sandbox/types.ts'
import type { GradeSummary } from './context.ts'

/** The grader context before the sandbox getter is attached. */
export type GraderInput = Omit<GraderContext, 'sandbox'> & { sandbox: Sandbox | undefined }

/**
 * Runs graders one after another (they may share the sandbox). A grader that throws, or
 * returns something that is not a grade, yields an unscored grade with the error.
 */
export async function runGraders(graders: readonly Grader[], input: GraderInput): Promise<Grade[]> {
  const ctx: GraderContext = {
    ...input,
    get sandbox(): Sandbox {
      if (!input.sandbox) throw new Error('this grader needs a sandbox, but the case has none')
      return input.sandbox
    },
  }
  const grades: Grade[] = []
  for (const grader of graders) {
    grades.push(await gradeOne(grader, ctx))
  }
  return grades
}

async function gradeOne(grader: Grader, ctx: GraderContext): Promise<Grade> {
  const name = grader.graderName
  try {
    const grade = await grader(ctx)
    if (!isGrade(grade)) return unscored(name, `returned ${JSON.stringify(grade)?.slice(0, 80)}, not a grade`)
    return grade
  } catch (error) {
    return unscored(name, `could not grade: ${errorMessage(error)}`)
  }
}

function unscored(name: string, explanation: string): Grade {
  return { name, score: null, pass: false, explanation, metadata: { error: explanation } }
}

function isGrade(value: unknown): value is Grade {
  const grade = value as Partial<Grade> | null
  return (
    typeof grade === 'object' &&
    grade !== null &&
    typeof grade.name === 'string' &&
    typeof grade.pass === 'boolean' &&
    (grade.score === null || typeof grade.score === 'number')
  )
}

/**
 * The case verdict. Without a threshold every grade must pass. With one, the mean score of
 * the grades must reach it. The score is null when any grade is unscored, and an ungraded
 * case never passes.
 */
export function summarizeGrades(grades: Grade[], threshold: number | undefined): GradeSummary {
  const scores = grades.flatMap((grade) => (grade.score === null ? [] : [grade.score]))
  // A case with an unscored grade has no score: a mean of the rest would overstate it.
  const complete = scores.length === grades.length && scores.length > 0
  const score = complete ? scores.reduce((sum, value) => sum + value, 0) / scores.length : null
  const pass =
    threshold === undefined ? grades.every((grade) => grade.pass) : score !== null && score >= threshold
  return { pass, score, grades }
}
