import type { CaseStatus } from '../compare/classify.ts'
import { sandboxChanged } from '../compare/commentary.ts'
import { budgetTag } from '../compare/failure-reason.ts'
import type { GateResult } from '../compare/gate.ts'
import { formatCounts } from '../compare/gate-message.ts'
import type { Comparison } from '../compare/types.ts'
import { caseKey } from '../store/baseline.ts'
import type { RunFile, TestEntry } from '../store/schema.ts'

export { stepSummary } from './step-summary.ts'

// GitHub keeps the first 10 error and 10 warning annotations of a step, so order matters:
// regressions first. Long messages are cut; the full story is in the log and the run file.
const MESSAGE_MAX = 1_500
const GRADES_MAX = 3

/** Escapes a workflow-command message (`%`, CR, LF), per GitHub's workflow-command rules. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** Escapes a workflow-command property value: as {@link escapeData}, plus `:` and `,`. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

function command(
  kind: 'error' | 'warning',
  where: { file?: string; line?: number },
  title: string,
  message: string,
): string {
  const props: string[] = []
  if (where.file) props.push(`file=${escapeProperty(where.file)}`)
  if (where.file && where.line !== undefined) props.push(`line=${where.line}`)
  props.push(`title=${escapeProperty(title)}`)
  const text = message.length > MESSAGE_MAX ? `${message.slice(0, MESSAGE_MAX - 1)}…` : message
  return `::${kind} ${props.join(',')}::${escapeData(text)}`
}

/** Why an entry failed: its headline (root cause first), exit reason, first error line, failing grades. */
function reasons(test: TestEntry): string[] {
  const out: string[] = test.headline?.trim() ? [test.headline.trim()] : []
  if (test.exit_reason && test.exit_reason !== 'success') {
    const at = test.timeout_at_turn === undefined ? '' : ` at turn ${test.timeout_at_turn}`
    out.push(`Exit: ${test.exit_reason}${at}.`)
  }
  const error = test.error?.trim().split('\n')[0]?.trim()
  if (error) out.push(error)
  const failing = (test.grades ?? []).filter((g) => !g.pass)
  for (const grade of failing.slice(0, GRADES_MAX)) {
    out.push(`✗ ${grade.name}${grade.score === null ? ' (unscored)' : ''}: ${grade.explanation}`)
  }
  if (failing.length > GRADES_MAX) out.push(`… ${failing.length - GRADES_MAX} more failing grades`)
  return out
}

interface CaseGroup {
  key: string
  entries: TestEntry[]
}

function groupByCase(tests: readonly TestEntry[]): CaseGroup[] {
  const groups = new Map<string, CaseGroup>()
  for (const test of tests) {
    const key = caseKey(test)
    const group = groups.get(key) ?? { key, entries: [] }
    group.entries.push(test)
    groups.set(key, group)
  }
  return [...groups.values()]
}

function byPlace(a: CaseGroup, b: CaseGroup): number {
  const x = a.entries[0]!
  const y = b.entries[0]!
  const fa = x.file ?? ''
  const fb = y.file ?? ''
  if (fa !== fb) return fa < fb ? -1 : 1
  if ((x.line ?? 0) !== (y.line ?? 0)) return (x.line ?? 0) - (y.line ?? 0)
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0
}

/**
 * Each case's outcome, by case key: the gate's when given, else the comparison's (both come
 * from the same classification, repeats folded).
 */
function outcomes(comparison?: Comparison, gate?: GateResult): Map<string, CaseStatus> {
  if (gate) {
    const judged = [
      ...gate.regressed,
      ...gate.stillFailing,
      ...gate.newFailures,
      ...gate.flaky,
      ...gate.fixed,
    ]
    return new Map(judged.map((c) => [c.key, c.outcome]))
  }
  return new Map(comparison?.deltas.map((d) => [d.key, d.status]))
}

const FAILED_TITLE: Partial<Record<CaseStatus, string>> = {
  regressed: 'Regressed',
  'still-failing': 'Still failing',
}

function failureAnnotation(
  group: CaseGroup,
  outcome: CaseStatus | undefined,
  comparison?: Comparison,
): string {
  const failed = group.entries.filter((t) => !t.passed)
  const first = failed[0]!
  const lines: string[] = []
  if (group.entries.length > 1) lines.push(`Failed ${failed.length} of ${group.entries.length} runs.`)
  lines.push(...reasons(first))
  const earlier = comparison && `(${comparison.before_branch} @ ${comparison.before_sha.slice(0, 7)})`
  if (outcome === 'regressed' && earlier) lines.push(`Passed in the previous run ${earlier}.`)
  if (outcome === 'still-failing' && earlier) lines.push(`Failed in the previous run too ${earlier}.`)
  const changed = comparison?.deltas.find((d) => d.key === group.key)
  const note = changed && sandboxChanged(changed)
  if (note) lines.push(`Not comparable as is: ${note}.`)
  if (lines.length === 0) lines.push('The eval failed.')
  const title = (outcome && FAILED_TITLE[outcome]) ?? 'Failed'
  return command('error', first, `${title}: ${group.key}`, lines.join('\n'))
}

/**
 * GitHub Actions annotations for a run: one `::error` per failing case (repeats folded
 * together; each case's outcome is the `gate`'s when given, else the `comparison`'s; regressed cases
 * come first, titled "Regressed", then still-failing ones, titled "Still failing"; a changed
 * sandbox is said), then one `::warning` per case that passed although a budget stopped its agent,
 * then one per flaky case: passed only after a retry, or judged
 * flaky by `gate`. A partial run adds a warning of its own. Each line is a workflow command
 * to print on stdout; properties and messages are escaped. Pure and deterministic.
 */
export function githubAnnotations(run: RunFile, comparison?: Comparison, gate?: GateResult): string[] {
  const groups = groupByCase(run.tests).sort(byPlace)
  const outcome = outcomes(comparison, gate)
  const failing = groups.filter((g) => g.entries.some((t) => !t.passed))
  // Regressed first, then still failing, then the rest: GitHub shows only the first ten.
  const rank = (g: CaseGroup) => ['regressed', 'still-failing'].indexOf(outcome.get(g.key) ?? '') >>> 0
  const errors = [...failing]
    .sort((a, b) => rank(a) - rank(b))
    .map((g) => failureAnnotation(g, outcome.get(g.key), comparison))

  const warnings: string[] = []
  if (run._partial) {
    warnings.push(
      command(
        'warning',
        {},
        `Partial eval run (${run.tier})`,
        `The run did not finish (${run.partial_reason ?? 'interrupted'}); ${run.total_tests} tests recorded.`,
      ),
    )
  }
  for (const group of groups) {
    const stopped = group.entries.find((t) => t.passed && budgetTag(t))
    if (!stopped || failing.includes(group)) continue
    const message = `Passed although its agent was stopped by its budget (${budgetTag(stopped)}): graded with budgetStop: 'grade'.`
    warnings.push(command('warning', stopped, `Budget stop: ${group.key}`, message))
  }
  const flaky = new Map<string, Parameters<typeof formatCounts>[0]>(
    gate
      ? gate.flaky.map((c) => [c.key, c])
      : (comparison?.deltas ?? [])
          .filter((d) => d.status === 'flaky' && d.after)
          .map((d) => [d.key, { before: d.before, after: d.after!, ...(d.p !== undefined && { p: d.p }) }]),
  )
  for (const group of groups) {
    const verdict = flaky.get(group.key)
    const retried = group.entries.find((t) => t.flaky && t.passed)
    if (!verdict && !retried) continue
    const lines: string[] = []
    if (verdict) lines.push(`${formatCounts(verdict)}: mixed results or a change that is not significant.`)
    if (retried) {
      const retries = (retried.attempts ?? 2) - 1
      lines.push(`Passed only after ${retries} ${retries === 1 ? 'retry' : 'retries'}.`)
    }
    warnings.push(command('warning', group.entries[0]!, `Flaky: ${group.key}`, lines.join('\n')))
  }
  return [...errors, ...warnings]
}

/**
 * The `::error` for a failed gate, without a file (the gate judges the whole run): titled
 * with the gate's title (`Eval gate failed (e2e): 1 case regressed`), carrying its message.
 * Pure.
 */
export function gateAnnotation(title: string, message: string): string {
  return command('error', {}, title, message)
}

/** A `::error` or `::warning` about the whole run, without a file (cases that ran on the host). Pure. */
export function runAnnotation(kind: 'error' | 'warning', title: string, message: string): string {
  return command(kind, {}, title, message)
}
