/**
 * evalbox — worker-side entry: define evals in `*.eval.ts` files and grade them.
 * Node-side pieces (project helper, plugin, reporter) live in `evalbox/vitest`.
 */
export * from './agents/index.ts'
export { EvalboxError, type EvalboxErrorCode, SandboxUnavailableError } from './core/errors.ts'
export type { EvalContext, GradeSummary, RecordedMetrics, RunOutput } from './eval/context.ts'
export { describeEval, type EvalBody, evalTest, evalTest as eval } from './eval/eval-test.ts'
export type { DescribeEvalOptions, EvalOptions, EvalRow, EvalTestOptions } from './eval/options.ts'
export * from './graders/index.ts'
export { type EvalboxMatchers, evalboxMatchers, setupMatchers } from './matchers/index.ts'
export * from './models/index.ts'
export type { SandboxOption, SandboxProviderName, SandboxSpec } from './sandbox/spec.ts'
export type { ExecOptions, ExecResult, Sandbox } from './sandbox/types.ts'
export type { Grade, NotRunEntry, RunFile, TestEntry } from './store/schema.ts'

import { setupMatchers } from './matchers/index.ts'

// Eval files get the workspace and budget matchers (`toOnlyTouch`, `toCostLessThan`...)
// just by importing evalbox.
setupMatchers()
