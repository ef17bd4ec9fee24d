import * as z from 'zod'
import { describeValue, EvalboxError, invalidOptions } from '../core/errors.ts'
import { lazy } from '../core/lazy.ts'
import { parseOptions } from '../core/validate.ts'
import type { AgentContext } from './types.ts'

/** Writes a file (parent folders created). Path relative to the workdir, or absolute. */
export interface WriteStep {
  write: string
  content: string | Uint8Array
}
/** Replaces the first occurrence of `find` in a file; the run fails when `find` is absent. */
export interface EditStep {
  edit: string
  find: string
  replace: string
}
/** Runs a command (a string goes through `sh -c`); with `expectExit`, another exit code fails the run. */
export interface RunStep {
  run: string | readonly string[]
  expectExit?: number
}
/** Assistant text. */
export interface SayStep {
  say: string
}
/** Waits (the model "thinking"); ends early when the run is stopped. Emits no event. */
export interface WaitStep {
  wait: number
}
/** The final message; must be the last step. */
export interface FinishStep {
  finish: string
}
/** Custom work with the agent context (sandbox, prompt, log...). */
export type FunctionStep = (ctx: AgentContext) => Promise<void> | void

/** One step of `agents.scripted`. */
export type ScriptedStep = WriteStep | EditStep | RunStep | SayStep | WaitStep | FinishStep | FunctionStep

const KINDS = ['write', 'edit', 'run', 'say', 'wait', 'finish'] as const
/** The kind of a step. */
export type StepKind = (typeof KINDS)[number] | 'function'

/** The kind of a step, or undefined when it is none of them. */
export function stepKind(step: unknown): StepKind | undefined {
  if (typeof step === 'function') return 'function'
  if (typeof step !== 'object' || step === null) return undefined
  const found = KINDS.filter((kind) => kind in step)
  return found.length === 1 ? found[0] : undefined
}

const STEP_SCHEMAS = lazy(
  () =>
    ({
      write: z.strictObject({
        write: z.string().min(1),
        content: z.union([z.string(), z.instanceof(Uint8Array)], 'must be a string or bytes'),
      }),
      edit: z.strictObject({ edit: z.string().min(1), find: z.string().min(1), replace: z.string() }),
      run: z.strictObject({
        run: z.union(
          [z.string().min(1), z.array(z.string()).min(1)],
          'must be a command string or an argv array',
        ),
        expectExit: z.number().int().optional(),
      }),
      say: z.strictObject({ say: z.string() }),
      wait: z.strictObject({
        wait: z.number().nonnegative('must be a non-negative number of milliseconds').finite(),
      }),
      finish: z.strictObject({ finish: z.string() }),
    }) satisfies Record<Exclude<StepKind, 'function'>, z.ZodType>,
)

function bad(index: number, step: unknown, why: string): EvalboxError {
  return new EvalboxError(
    'INVALID_OPTIONS',
    `agents.scripted(): \`steps[${index}]\` ${describeValue(step)} ${why}`,
  )
}

/** Validates the steps at definition time; errors name the step, the field and what is wrong. */
export function checkSteps(steps: readonly ScriptedStep[]): void {
  if (!Array.isArray(steps)) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `agents.scripted(): expected an array of steps, got ${describeValue(steps)}`,
    )
  }
  steps.forEach((step, index) => {
    const kind = stepKind(step)
    if (kind === undefined) {
      throw bad(index, step, `is not a step: use one of ${KINDS.join(', ')}, or a function`)
    }
    if (kind !== 'function') {
      parseOptions(STEP_SCHEMAS()[kind], step, {
        api: 'agents.scripted()',
        error: invalidOptions,
        prefix: ['steps', index],
        fix: 'Fix the step.',
      })
    }
    if (kind === 'finish' && index !== steps.length - 1) {
      throw bad(index, step, 'is not the last step: `finish` ends the run, so move it to the end')
    }
  })
}
