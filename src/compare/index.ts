export { type CaseOutcome, caseKey, caseOutcomes, type PassCount } from './case-outcomes.ts'
export { commentary } from './commentary.ts'
export { type CompareOptions, compareRuns, DEFAULT_BUDGET_FACTOR } from './compare-runs.ts'
export { budgetTag, failureReason } from './failure-reason.ts'
export { type FisherAlternative, fisherExact, type Table2x2 } from './fisher.ts'
export {
  type CaseVerdict,
  type GateFailOn,
  type GateOptions,
  type GateResult,
  gate,
  judgeCase,
  type Verdict,
} from './gate.ts'
export {
  type BaselineGateOptions,
  baselinePathFor,
  DEFAULT_BASELINE,
  gateAgainstBaseline,
  loadBaseline,
} from './gate-baseline.ts'
export { formatCounts, formatP } from './gate-message.ts'
export { countToolCalls, extractToolSummary, toolSummaryOf } from './tool-summary.ts'
export type { BudgetOverrun, Comparison, StatusChange, TestDelta, TestSnapshot } from './types.ts'
