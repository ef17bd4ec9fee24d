import { describeValue, EvalboxError } from '../core/errors.ts'
import type { RunFile, TestEntry } from '../store/schema.ts'
import {
  type ClassifiedCase,
  classifyRuns,
  DEFAULT_ALPHA,
  GATE_FAIL_ON,
  type GateFailOn,
  type Outcome,
  passCount,
} from './classify.ts'
import { gateMessage, gateTitle } from './gate-message.ts'
import type { CaseVerdict, GateResult } from './types.ts'

export { GATE_FAIL_ON, type GateFailOn } from './classify.ts'
export type { CaseVerdict, GateResult } from './types.ts'

/** What a gate judges against: a blessed baseline file or the previous run. */
export type GateAgainst = 'baseline' | 'previous'

/**
 * What fails the gate by default. Against the previous run a case that failed there too
 * (`still-failing`) fails the gate, so re-running a regression never turns CI green; a new
 * case that fails gets one run's grace (`new-failure`), and fails the next as still failing.
 * Against a baseline, its failures were blessed (accepted), so `still-failing` passes; a
 * failing case the baseline never saw would stay `new-failure` on every run until the next
 * bless, so that fails the gate.
 */
export const DEFAULT_FAIL_ON: Readonly<Record<GateAgainst, readonly GateFailOn[]>> = {
  previous: ['regressed', 'still-failing'],
  baseline: ['regressed', 'new-failure'],
}

/** Options for {@link gate}. */
export interface GateOptions {
  /**
   * Significance level for cases with repeats: a drop in pass count is a regression only
   * when Fisher's exact test (one-sided) gives p < alpha.
   * @default 0.05
   */
  alpha?: number
  /**
   * The outcomes that fail the gate: any of `regressed`, `still-failing`, `new-failure`,
   * `flaky`.
   * @default DEFAULT_FAIL_ON[against]
   */
  failOn?: GateFailOn[]
  /** What `before` is, for the default `failOn`. @default 'baseline' */
  against?: GateAgainst
}

/**
 * Checks a `failOn` list (from an option, `--fail-on` or a config), naming a bad value and
 * the fix; `name` is how the caller calls it (`failOn`, `gate.failOn`, `--fail-on`).
 *
 * @throws {EvalboxError} `INVALID_OPTIONS`.
 */
export function checkFailOn(value: unknown, name: string): GateFailOn[] {
  const list = Array.isArray(value) ? value : [value]
  const bad = list.find((f) => !(GATE_FAIL_ON as readonly unknown[]).includes(f))
  if (Array.isArray(value) && bad === undefined) return value as GateFailOn[]
  const hint = bad === 'regression' ? " ('regression' is now called 'regressed')" : ''
  throw new EvalboxError(
    'INVALID_OPTIONS',
    `Expected \`${name}\` to list outcomes among ${GATE_FAIL_ON.map((f) => `'${f}'`).join(', ')}, got ${describeValue(Array.isArray(value) ? bad : value)}${hint}.`,
  )
}

function resolveOptions(options: GateOptions): { alpha: number; failOn: GateFailOn[] } {
  const alpha = options.alpha ?? DEFAULT_ALPHA
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha <= 1)) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `Expected \`alpha\` to be a number in (0, 1], got ${describeValue(alpha)}. The usual value is 0.05.`,
    )
  }
  const failOn =
    options.failOn === undefined
      ? [...DEFAULT_FAIL_ON[options.against ?? 'baseline']]
      : checkFailOn(options.failOn, 'failOn')
  return { alpha, failOn }
}

function place(entries: readonly TestEntry[]): { file?: string; line?: number } {
  const first = entries[0]
  return {
    ...(first?.file !== undefined && { file: first.file }),
    ...(first?.line !== undefined && { line: first.line }),
  }
}

/** A classified case that ran now, as the gate reports it. */
export function verdictOf(c: ClassifiedCase & { status: Outcome }): CaseVerdict {
  return {
    key: c.key,
    suite: c.suite,
    name: c.name,
    outcome: c.status,
    before: c.before.length > 0 ? passCount(c.before) : null,
    after: passCount(c.after),
    ...(c.p !== undefined && { p: c.p }),
    ...place(c.after),
  }
}

const byKey = (a: CaseVerdict, b: CaseVerdict) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)

/**
 * Decides whether `after` may pass against `before` (a baseline or the previous run). Every
 * case that ran now is classified as the comparison classifies it (`classifyRuns`: repeats
 * folded, single runs by pass/fail, repeats by Fisher's exact test at `alpha`); the gate
 * fails when a case's outcome is in `failOn`. Cases not run now, or removed, are ignored.
 * Pure.
 *
 * @example gate(baseline, latest).ok // false when 5/5 → 0/5 (p ≈ 0.004)
 */
export function gate(before: RunFile, after: RunFile, options: GateOptions = {}): GateResult {
  const { alpha, failOn } = resolveOptions(options)
  const verdicts = classifyRuns(before, after, alpha)
    .filter((c): c is ClassifiedCase & { status: Outcome } => c.after.length > 0)
    .map(verdictOf)
  const pick = (outcome: Outcome) => verdicts.filter((c) => c.outcome === outcome).sort(byKey)
  const result = {
    ok: !verdicts.some((c) => (failOn as readonly Outcome[]).includes(c.outcome)),
    failOn,
    regressed: pick('regressed'),
    stillFailing: pick('still-failing'),
    newFailures: pick('new-failure'),
    flaky: pick('flaky'),
    fixed: pick('fixed'),
    alpha,
    cases: verdicts.length,
  }
  return { ...result, title: gateTitle(result, after.tier), message: gateMessage(result) }
}
