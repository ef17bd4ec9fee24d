export { caseKey } from '../store/baseline.ts'
export {
  type CaseStatus,
  type ClassifiedCase,
  classify,
  classifyRuns,
  DEFAULT_ALPHA,
  OUTCOMES,
  type Outcome,
  type PassCount,
  passCount,
} from './classify.ts'
export { commentary } from './commentary.ts'
export { type CompareOptions, compareRuns, DEFAULT_BUDGET_FACTOR } from './compare-runs.ts'
export { budgetTag, failureReason } from './failure-reason.ts'
export { type FisherAlternative, fisherExact, type Table2x2 } from './fisher.ts'
export {
  type CaseVerdict,
  checkFailOn,
  DEFAULT_FAIL_ON,
  GATE_FAIL_ON,
  type GateAgainst,
  type GateFailOn,
  type GateOptions,
  type GateResult,
  gate,
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
export type {
  BudgetOverrun,
  CaseDelta,
  CaseSide,
  Comparison,
  RunTotals,
  SandboxUsed,
} from './types.ts'
