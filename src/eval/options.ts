import * as z from 'zod'
import type { Agent } from '../agents/types.ts'
import { EvalboxError, invalidOptions } from '../core/errors.ts'
import { lazy } from '../core/lazy.ts'
import { parseOptions } from '../core/validate.ts'
import type { Grader } from '../graders/types.ts'
import { outsideRoot } from '../sandbox/paths.ts'
import type { SandboxOption } from '../sandbox/spec.ts'
import { sandboxOptionSchema } from '../sandbox/spec.ts'
import type { EvalContext } from './context.ts'
import { getRunSettings } from './settings.ts'

/** Options shared by `evalTest` and `describeEval`. */
export interface EvalOptions<Input = unknown> {
  /** Result files are written per tier. @default 'e2e' */
  tier?: string
  /** Where the case runs. @default 'auto' (Docker when an engine answers, else local) */
  sandbox?: SandboxOption
  /** The agent under evaluation; works inside the case's sandbox. */
  agent?: Agent
  /**
   * A function under evaluation (an LLM feature, a prompt template...). Its return value is
   * the case's output. Use `agent` or `task`, not both.
   */
  task?: (input: Input, ctx: EvalContext) => unknown
  /** The prompt given to the agent; a function gets the data row's input. */
  prompt?: string | ((input: Input) => string)
  /** Graders that judge the output. */
  graders?: Grader[]
  /**
   * Milliseconds the agent or task may run before it is stopped (`exit_reason: 'timeout'`).
   * The Vitest test timeout is this plus `gradeTimeout`.
   * @default 300_000
   */
  timeout?: number
  /** Milliseconds allowed for sandbox setup and grading on top of `timeout`. @default 120_000 */
  gradeTimeout?: number
  /**
   * Bytes of agent output kept per channel: `agent.log`, the transcript kept on disk, and
   * the transcript's events held in memory each stop growing here; the rest is drained,
   * still counted by the metrics, and its size is recorded in `output_truncated`.
   * @default 16_777_216 (16 MiB)
   */
  maxOutputBytes?: number
  /** Vitest retries of a failing case. @default 0 */
  retry?: number
  /** Independent cases per eval (or per data row), each with a fresh sandbox. @default 1 */
  repeats?: number
  /**
   * Pass when the mean grade score reaches this (0..1). Without it, every grade must pass.
   */
  threshold?: number
  /**
   * A case whose agent was stopped by its turn or cost budget (`maxTurns`, `maxCostUsd`:
   * `exit_reason` `error_max_turns` / `error_max_budget`): `'fail'` fails it with the budget
   * as its root cause; `'grade'` lets the graders judge the work done before the stop.
   * @default 'fail'
   */
  budgetStop?: 'fail' | 'grade'
  /**
   * The case's model budget, held by the run's model gateway (agents that call models through
   * it): past any limit the next call is refused with the protocol's own error and the case
   * ends `error_max_budget`. Counted from the wire, so an agent cannot under-report.
   * @default none
   */
  budget?: { maxCostUsd?: number; maxTokens?: number; maxModelCalls?: number }
  /**
   * Where the case's model calls are recorded (`EVALBOX_MODEL=record`) and replayed from
   * (`EVALBOX_MODEL=replay`, or by default when no key is set and the cassette exists): a
   * folder relative to the eval file's, holding one file per case. `false`: never record or
   * replay.
   * @default '__cassettes__/<eval file name>'
   */
  cassette?: string | false
  /** Free-form data copied into the result entry. */
  metadata?: Record<string, unknown>
  /**
   * Skip the eval: `true`, or the reason (recorded in the result file's `not_run` list),
   * e.g. `skip: process.env.ANTHROPIC_API_KEY ? false : 'ANTHROPIC_API_KEY is not set'`.
   * @default false
   */
  skip?: boolean | string
}

/** Options of `evalTest`: one case, with an optional input and expected value. */
export interface EvalTestOptions<Input = unknown> extends EvalOptions<Input> {
  /** Given to `task` and to graders. @default the prompt */
  input?: Input
  /** Given to graders (`equals`, ...). */
  expected?: unknown
}

/** One data row of `describeEval`. */
export interface EvalRow<Input = unknown> {
  input: Input
  expected?: unknown
  /** Case name; defaults to a short rendering of the input. */
  name?: string
  metadata?: Record<string, unknown>
  /** This row's sandbox, laid over the eval's (a workspace per row, say). */
  sandbox?: SandboxOption
}

/** Options of `describeEval`: the shared options plus the data rows. */
export interface DescribeEvalOptions<Input = unknown> extends EvalOptions<Input> {
  /** The rows; one concurrent case per row (and per repeat). */
  data: readonly EvalRow<Input>[] | (() => readonly EvalRow<Input>[] | Promise<readonly EvalRow<Input>[]>)
}

/** The shape both option schemas share, built with the first of them. */
const evalOptionsShape = lazy(() => {
  const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'a function')
  const graderSchema = z.custom<Grader>(
    (v) => typeof v === 'function' && typeof (v as Partial<Grader>).graderName === 'string',
    'a grader (made with graders.* or defineGrader)',
  )
  const agentSchema = z.custom<Agent>(
    (v) =>
      typeof v === 'function' ||
      (typeof v === 'object' && v !== null && typeof (v as { run?: unknown }).run === 'function'),
    'an agent (agents.* or an async function)',
  )
  return {
    tier: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" or "-"')
      .optional(),
    sandbox: sandboxOptionSchema().optional(),
    agent: agentSchema.optional(),
    task: fn.optional(),
    prompt: z.union([z.string(), fn]).optional(),
    graders: z.array(graderSchema).optional(),
    timeout: z.number().int().positive().optional(),
    gradeTimeout: z.number().int().positive().optional(),
    maxOutputBytes: z.number().int().min(1024, 'must be a whole number of bytes, at least 1024').optional(),
    retry: z.number().int().nonnegative().optional(),
    repeats: z.number().int().positive().optional(),
    threshold: z.number().min(0).max(1).optional(),
    budgetStop: z.enum(['fail', 'grade']).optional(),
    budget: z
      .strictObject({
        maxCostUsd: z.number().positive('must be a positive number of USD').finite().optional(),
        maxTokens: z.number().int().positive().optional(),
        maxModelCalls: z.number().int().positive().optional(),
      })
      .optional(),
    cassette: z.union([z.literal(false), z.string().min(1)]).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    skip: z.union([z.boolean(), z.string()]).optional(),
  }
})

/** An eval runs an agent or a task, never both: refused where the eval is defined. */
const agentOrTask = (options: { agent?: unknown; task?: unknown }) =>
  options.agent === undefined || options.task === undefined

const oneRunner = {
  message: 'cannot be given with `agent` (an eval runs an agent or a task; keep one)',
  path: ['task'],
}

const evalTestSchema = lazy(() =>
  z
    .strictObject({
      ...evalOptionsShape(),
      input: z.unknown().optional(),
      expected: z.unknown().optional(),
    })
    .refine(agentOrTask, oneRunner),
)

const rowsSchema = lazy(() =>
  z.array(
    z.looseObject({
      input: z.custom<unknown>((v) => v !== undefined, 'is required'),
      expected: z.unknown().optional(),
      name: z.string().min(1).optional(),
      metadata: z.record(z.string(), z.unknown()).optional(),
      sandbox: sandboxOptionSchema().optional(),
    }),
  ),
)

const describeEvalSchema = lazy(() =>
  z
    .strictObject({
      ...evalOptionsShape(),
      data: z.custom<unknown>(
        (v) => Array.isArray(v) || typeof v === 'function',
        'must be an array of rows or a function',
      ),
    })
    .refine(agentOrTask, oneRunner),
)

/** Validates `evalTest` options; throws an error naming the eval, the field and the value. */
export function validateEvalTestOptions<I>(evalName: string, options: unknown): EvalTestOptions<I> {
  const valid = validate(evalName, 'evalTest', evalTestSchema(), options) as EvalTestOptions<I>
  confinePaths(evalName, 'evalTest', 'sandbox', valid.sandbox)
  return valid
}

/** Validates `describeEval` options (the rows too, when given as an array). */
export function validateDescribeEvalOptions<I>(evalName: string, options: unknown): DescribeEvalOptions<I> {
  const valid = validate(evalName, 'describeEval', describeEvalSchema(), options) as DescribeEvalOptions<I>
  confinePaths(evalName, 'describeEval', 'sandbox', valid.sandbox)
  if (Array.isArray(valid.data)) validateRows(evalName, valid.data)
  return valid
}

/** Validates rows produced by a `data` function. */
export function validateRows<I>(evalName: string, rows: unknown): readonly EvalRow<I>[] {
  const valid = validate(evalName, 'describeEval', rowsSchema(), rows, ['data']) as EvalRow<I>[]
  for (const [index, row] of valid.entries()) {
    confinePaths(evalName, 'describeEval', `data[${index}].sandbox`, row.sandbox)
  }
  return valid
}

/**
 * Refuses a sandbox spec whose host paths (workspace, build context) lead outside the
 * project root, symbolic links resolved, unless the spec sets `allowOutsideRoot`.
 */
function confinePaths(evalName: string, api: string, field: string, sandbox: SandboxOption | undefined) {
  const refused = outsideRoot(sandbox, getRunSettings()?.root ?? process.cwd())
  if (refused) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `${api}("${evalName}"): \`${field}.${refused.field}\` ${refused.reason}. Fix the eval's options.`,
    )
  }
}

/** Parses with the shared validator; the input is returned as given (functions kept as they are). */
function validate(evalName: string, api: string, schema: z.ZodType, value: unknown, prefix?: string[]) {
  parseOptions(schema, value, {
    api: `${api}("${evalName}")`,
    error: invalidOptions,
    fix: "Fix the eval's options.",
    prefix,
  })
  return value
}
