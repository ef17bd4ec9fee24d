import { errorMessage, SandboxUnavailableError } from '../../core/errors.ts'
import type { GraderContext } from '../types.ts'

/**
 * Where the agent's review is: `'output'` (its final message), `{ file }` (a file in the
 * case's sandbox, relative to the workdir), or a function of the grader context.
 */
export type ReportSource =
  | 'output'
  | { readonly file: string }
  | ((ctx: GraderContext) => string | Promise<string>)

/** The review text, or `missing` saying why there is none (an agent failure, graded 0). */
export type ReportText = { readonly text: string } | { readonly missing: string }

/** Reads the review. A missing file is the agent's failure; a dead sandbox is rethrown. */
export async function readReport(source: ReportSource, ctx: GraderContext): Promise<ReportText> {
  if (source === 'output') return { text: ctx.output }
  if (typeof source === 'function') return { text: String(await source(ctx)) }
  try {
    return { text: (await ctx.sandbox.readFile(source.file)).toString('utf8') }
  } catch (error) {
    if (error instanceof SandboxUnavailableError) throw error
    return { missing: `the review file ${source.file} could not be read (${errorMessage(error)})` }
  }
}
