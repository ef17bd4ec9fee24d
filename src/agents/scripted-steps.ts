import { describeValue, EvalboxError } from '../errors.ts'
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

function bad(index: number, step: unknown, why: string): EvalboxError {
  return new EvalboxError(
    'INVALID_OPTIONS',
    `agents.scripted: step ${index + 1} ${describeValue(step)} ${why}`,
  )
}

/** Validates the steps at definition time; errors name the step and what is wrong. */
export function checkSteps(steps: readonly ScriptedStep[]): void {
  if (!Array.isArray(steps)) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `agents.scripted: expected an array of steps, got ${describeValue(steps)}`,
    )
  }
  steps.forEach((step, index) => {
    const kind = stepKind(step)
    const s = step as unknown as Record<string, unknown>
    const isText = (key: string) => typeof s[key] === 'string'
    if (kind === undefined) {
      throw bad(index, step, `is not a step: use one of ${KINDS.join(', ')}, or a function`)
    }
    if (kind === 'write' && !(isText('write') && (isText('content') || s.content instanceof Uint8Array))) {
      throw bad(index, step, 'needs a path in `write` and a string or bytes in `content`')
    }
    if (kind === 'edit' && !(isText('edit') && isText('find') && isText('replace') && s.find !== '')) {
      throw bad(index, step, 'needs `edit` (a path), a non-empty `find` and `replace` strings')
    }
    if (kind === 'run') {
      const run = s.run
      const ok =
        typeof run === 'string'
          ? run !== ''
          : Array.isArray(run) && run.length > 0 && run.every((a) => typeof a === 'string')
      if (!ok) throw bad(index, step, 'needs `run` as a command string or a non-empty argv array')
      if (s.expectExit !== undefined && !Number.isInteger(s.expectExit))
        throw bad(index, step, 'has a non-integer `expectExit`')
    }
    if ((kind === 'say' || kind === 'finish') && !isText(kind))
      throw bad(index, step, `needs a string in \`${kind}\``)
    if (kind === 'wait' && !(typeof s.wait === 'number' && Number.isFinite(s.wait) && s.wait >= 0)) {
      throw bad(index, step, 'needs `wait` as a non-negative number of milliseconds')
    }
    if (kind === 'finish' && index !== steps.length - 1) {
      throw bad(index, step, 'is not the last step: `finish` ends the run, so move it to the end')
    }
  })
}
