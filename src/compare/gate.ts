import { describeValue, EvalboxError } from '../core/errors.ts'
import type { RunFile } from '../store/schema.ts'
import { type CaseOutcome, caseOutcomes, type PassCount } from './case-outcomes.ts'
import { fisherExact } from './fisher.ts'
import { gateMessage, gateTitle } from './gate-message.ts'
import type { CaseVerdict, GateResult, Verdict } from './types.ts'

export type { CaseVerdict, GateResult, Verdict } from './types.ts'

/** What makes a gate fail. */
export type GateFailOn = 'regression' | 'new-failure'

/** Options for {@link gate}. */
export interface GateOptions {
  /**
   * Significance level for cases with repeats: a drop in pass count is a regression only
   * when Fisher's exact test (one-sided) gives p < alpha.
   * @default 0.05
   */
  alpha?: number
  /**
   * What fails the gate: `regression` (a case that passed before fails now; with repeats,
   * a significant drop) and/or `new-failure` (a case absent before whose runs all failed).
   * @default ['regression']
   */
  failOn?: GateFailOn[]
}

const FAIL_ON: readonly GateFailOn[] = ['regression', 'new-failure']

function resolveOptions(options: GateOptions): { alpha: number; failOn: Set<GateFailOn> } {
  const alpha = options.alpha ?? 0.05
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha <= 1)) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `Expected \`alpha\` to be a number in (0, 1], got ${describeValue(alpha)}. The usual value is 0.05.`,
    )
  }
  const failOn = options.failOn ?? ['regression']
  if (!Array.isArray(failOn) || failOn.some((f) => !FAIL_ON.includes(f))) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `Expected \`failOn\` to list 'regression' and/or 'new-failure', got ${describeValue(failOn)}.`,
    )
  }
  return { alpha, failOn: new Set(failOn) }
}

const mixed = (c: PassCount) => c.passed > 0 && c.passed < c.runs
const rate = (c: PassCount) => (c.runs === 0 ? 0 : c.passed / c.runs)

/** Judges one case from its pass counts; see {@link Verdict}. */
export function judgeCase(
  before: PassCount | null,
  after: PassCount,
  alpha: number,
): { verdict: Verdict; p?: number } {
  if (!before) {
    if (after.passed === 0) return { verdict: 'new-failure' }
    return { verdict: mixed(after) ? 'flaky' : 'added' }
  }
  if (before.runs === 1 && after.runs === 1) {
    if (before.passed > after.passed) return { verdict: 'regressed' }
    if (before.passed < after.passed) return { verdict: 'improved' }
    return { verdict: 'unchanged' }
  }
  const table = [
    [before.passed, before.runs - before.passed],
    [after.passed, after.runs - after.passed],
  ] as const
  const rose = rate(after) > rate(before)
  const p = fisherExact(table, rose ? 'less' : 'greater')
  if (rate(after) < rate(before) && p < alpha) return { verdict: 'regressed', p }
  if (rose && p < alpha) return { verdict: 'improved', p }
  if (mixed(before) || mixed(after) || rate(after) !== rate(before)) return { verdict: 'flaky', p }
  return { verdict: 'unchanged', p }
}

function verdictFor(outcome: CaseOutcome, before: CaseOutcome | undefined, alpha: number): CaseVerdict {
  const previous = before ? { passed: before.passed, runs: before.runs } : null
  const now = { passed: outcome.passed, runs: outcome.runs }
  const judged = judgeCase(previous, now, alpha)
  const verdict: CaseVerdict = {
    key: outcome.key,
    suite: outcome.suite,
    name: outcome.name,
    verdict: judged.verdict,
    before: previous,
    after: now,
  }
  if (judged.p !== undefined) verdict.p = judged.p
  if (outcome.file !== undefined) verdict.file = outcome.file
  if (outcome.line !== undefined) verdict.line = outcome.line
  return verdict
}

const byKey = (a: CaseVerdict, b: CaseVerdict) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)

/**
 * Decides whether `after` may pass against `before` (a baseline or the previous run). Cases
 * are grouped by suite + case name; with repeats, pass counts k/n are compared. A case run
 * once on both sides regresses when it went pass → fail; with repeats, only when Fisher's
 * exact test (one-sided) gives p < `alpha`. Mixed or not-significant cases are `flaky` and
 * never fail the gate. Cases not run now, or removed, are ignored. Pure.
 *
 * @example gate(baseline, latest).ok // false when 5/5 → 0/5 (p ≈ 0.004)
 */
export function gate(before: RunFile, after: RunFile, options: GateOptions = {}): GateResult {
  const { alpha, failOn } = resolveOptions(options)
  const previous = caseOutcomes(before.tests)
  const verdicts = [...caseOutcomes(after.tests).values()].map((outcome) =>
    verdictFor(outcome, previous.get(outcome.key), alpha),
  )
  const pick = (v: Verdict) => verdicts.filter((c) => c.verdict === v).sort(byKey)
  const regressed = pick('regressed')
  const newFailures = pick('new-failure')
  const ok =
    !(failOn.has('regression') && regressed.length > 0) &&
    !(failOn.has('new-failure') && newFailures.length > 0)
  const result = {
    ok,
    regressed,
    flaky: pick('flaky'),
    improved: pick('improved'),
    newFailures,
    alpha,
    cases: verdicts.length,
  }
  return {
    ...result,
    title: gateTitle(result, { tier: after.tier, failOnNew: failOn.has('new-failure') }),
    message: gateMessage(result, { failOnNew: failOn.has('new-failure') }),
  }
}
