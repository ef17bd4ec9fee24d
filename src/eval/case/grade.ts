import { errorMessage } from '../../core/errors.ts'
import { lazy } from '../../core/lazy.ts'
import type { Grade, Grader, GraderContext } from '../../graders/types.ts'
import { hostPath, openSandbox } from '../../sandbox/open.ts'
import { resolveSandboxSpec } from '../../sandbox/spec.ts'
import type { Sandbox } from '../../sandbox/types.ts'
import { testEntrySchema } from '../../store/schema.ts'
import type { GradeSummary, RunOutput } from '../context.ts'
import type { CaseFiles } from './files.ts'
import type { CasePlan } from './spec.ts'

/** What the grade step needs. */
export interface GradeStepInput {
  readonly plan: CasePlan
  /** The run's output (an empty one for a case with neither agent nor task). */
  readonly output: RunOutput
  readonly sandbox: Sandbox | undefined
  readonly files: CaseFiles
  readonly signal: AbortSignal
}

/**
 * Step 3: grades the output with the eval's graders plus `extra`. Sandboxes a grader opens to
 * verify in (`ctx.openSandbox()`) are removed when grading ends.
 */
export async function gradeCase(input: GradeStepInput, extra: readonly Grader[] = []): Promise<GradeSummary> {
  const { plan, output } = input
  const verifiers: Sandbox[] = []
  try {
    const grades = await runGraders([...plan.graders, ...extra], {
      input: plan.spec.input,
      output: output.output,
      value: output.value,
      expected: plan.spec.expected,
      agent: output.agent,
      workspace: plan.sandboxSpec?.workspace
        ? hostPath(plan.settings.root, plan.sandboxSpec.workspace)
        : undefined,
      patch: output.patch,
      signal: input.signal,
      sandbox: input.sandbox,
      keep: (name, data) => input.files.keep(name, data),
      openSandbox: async () => {
        const spec = plan.sandboxSpec ?? resolveSandboxSpec('auto', plan.settings.sandboxDefaults)
        const verifier = await openSandbox(
          spec,
          plan.settings,
          `${plan.key} (verifier ${verifiers.length + 1})`,
        )
        verifiers.push(verifier)
        return verifier
      },
    })
    return summarizeGrades(grades, plan.spec.options.threshold)
  } finally {
    await Promise.allSettled(verifiers.map((verifier) => verifier.dispose()))
  }
}

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
    return withEntryChecked(grade)
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
 * The result-entry fields a grade may set through `metadata.entry`: the seed-002 judging
 * fields (LLM judge scores, planted-bug counts). The verdict, the cost and the case's
 * identity are evalbox's own and never a grader's to set.
 */
export const GRADE_ENTRY_FIELDS = [
  'judge_scores',
  'judge_reasoning',
  'detection_rate',
  'false_positives',
  'evidence_quality',
  'detected_bugs',
  'missed_bugs',
] as const

const entryFieldSchemas = lazy(
  () => new Map(GRADE_ENTRY_FIELDS.map((key) => [key as string, testEntrySchema().shape[key]])),
)

/**
 * The grade with only the `metadata.entry` fields it may set, each of the type the result
 * format gives it. What else it tried to set is dropped and named in `metadata.entryIgnored`.
 */
function withEntryChecked(grade: Grade): Grade {
  const fields = grade.metadata?.entry
  if (fields === undefined) return grade
  const kept: Record<string, unknown> = {}
  const ignored: string[] = []
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    ignored.push(`${JSON.stringify(fields)?.slice(0, 40)} (not an object)`)
  } else {
    for (const [key, value] of Object.entries(fields)) {
      const schema = entryFieldSchemas().get(key)
      if (!schema) ignored.push(`\`${key}\``)
      else if (!schema.safeParse(value).success)
        ignored.push(`\`${key}\` (${JSON.stringify(value)?.slice(0, 40)} is not a valid ${key})`)
      else kept[key] = value
    }
  }
  if (ignored.length === 0) return grade
  const note = `metadata.entry: ignored ${ignored.join(', ')}; a grade may set only ${GRADE_ENTRY_FIELDS.join(', ')}`
  return { ...grade, metadata: { ...grade.metadata, entry: kept, entryIgnored: note } }
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
