/**
 * evalbox/vitest — node-side entry: the evals project helper, the plugin and the reporter,
 * plus the pure functions behind the CLI for programmatic use.
 */
export { type Comparison, commentary, compareRuns } from '../compare/index.ts'
export { renderComparison } from '../render/terminal/comparison.ts'
export { renderSummary } from '../render/terminal/summary.ts'
export { EvalReporter, type EvalReporterOptions } from '../reporter/eval-reporter.ts'
export type { EvalboxProjectOptions, ReporterGateOptions } from '../run/run-state.ts'
export { findPreviousRun, listRuns, loadRunFile } from '../store/read-results.ts'
export type { NotRunEntry, RunFile, TestEntry } from '../store/schema.ts'
export { evalboxPlugin } from './plugin.ts'
export { type EvalsProjectOptions, evalsProject } from './project.ts'
