import type { ExitReason } from '../../core/usage.ts'
import type { Grade } from '../../graders/types.ts'

/** Failing test names shown before "and N more". */
const MAX_NAMES = 5
/** Longest error line kept in a headline; names are never cut, error lines are. */
const ERROR_LINE_MAX = 120
/** Longest grade explanation kept when a grade has no failing test names. */
const EXPLANATION_MAX = 160

/** What a failing case's headline is made from: plain facts of the case. */
export interface HeadlineFacts {
  /** An infrastructure failure (sandbox, harvest, outputs): never the agent's fault. */
  readonly infraError?: string
  /** What ran: the agent, the task, or neither. */
  readonly runner?: 'agent' | 'task'
  /** How the agent or task ended. */
  readonly exitReason?: ExitReason
  /** The agent's or task's time budget, in ms. */
  readonly timeoutMs?: number
  /** The turn a timeout hit. */
  readonly timeoutAtTurn?: number
  /** The agent's own error: its stderr tail, or the budget it ran out of. */
  readonly agentError?: string
  /** What the case threw (the body, the task). */
  readonly thrown?: string
  /** The grades, when the case was graded. */
  readonly grades?: readonly Grade[]
  /** The graders' verdict, when the case was graded. */
  readonly gradesPass?: boolean
  readonly threshold?: number
  readonly score?: number | null
}

/** A budget the agent ran out of, named as its option. */
export type BudgetName = 'maxTurns' | 'maxCostUsd'

/** The budget behind an exit reason, if it is a budget stop. */
export function budgetOf(reason: string | undefined): BudgetName | undefined {
  if (reason === 'error_max_turns') return 'maxTurns'
  if (reason === 'error_max_budget') return 'maxCostUsd'
  return undefined
}

/**
 * Why a case failed before its graders had their say, by precedence: an infrastructure
 * error, a timeout, a budget stop, then how the agent (or task) ended. Undefined when the
 * run itself ended normally, so the grader verdict (or what the body threw) is the cause.
 */
export function rootCause(facts: HeadlineFacts): string | undefined {
  if (facts.infraError) return `infrastructure error (not the agent's fault): ${errorLine(facts.infraError)}`
  const reason = facts.exitReason
  if (reason === undefined || reason === 'success') return undefined
  const who = facts.runner ?? 'agent'
  if (reason === 'sandbox_error') {
    return `infrastructure error (not the agent's fault): ${errorLine(facts.agentError ?? facts.thrown ?? 'the sandbox failed')}`
  }
  if (reason === 'timeout') {
    const after = facts.timeoutMs === undefined ? '' : ` after ${seconds(facts.timeoutMs)}`
    const at = facts.timeoutAtTurn === undefined ? '' : ` at turn ${facts.timeoutAtTurn}`
    return `${who} timed out${after}${at}`
  }
  const budget = budgetOf(reason)
  if (budget) {
    const detail = facts.agentError ? errorLine(facts.agentError) : `the agent reported ${reason}`
    // The gateway's words name the budget already: "case budget maxCostUsd ($0.10) spent: …".
    const gateway = /^evalbox: ((?:case|run) budget .*)$/.exec(detail)
    if (gateway) return `budget stop: ${gateway[1]}`
    return `budget stop (${budget}): ${detail}`
  }
  if (reason === 'canceled') return `${who} canceled (the run was stopped)`
  if (reason === 'oom') return `${who} ran out of memory`
  if (reason === 'agent_error') {
    const detail = facts.agentError ?? facts.thrown
    return `${who} error${detail ? `: ${errorLine(detail)}` : ''}`
  }
  const code = /^exit_code_(\d+)$/.exec(reason)?.[1]
  if (code === '127') {
    const command = missingCommand(facts.agentError ?? '')
    return `${who} command not found${command ? `: ${command}` : ''} (exit 127)`
  }
  if (code === '126') {
    const command = unrunnableCommand(facts.agentError ?? '')
    return `${who} command could not be executed${command ? `: ${command}` : ''} (exit 126)`
  }
  if (code !== undefined) return `${who} exited with ${code}`
  return `${who} stopped with ${reason}`
}

/**
 * The one-line headline of a failing case: the root cause first (see {@link rootCause}),
 * else the grader verdict, else what the case threw; then the evidence — the failing test
 * names the graders parsed (never cut: five, then "and N more") and the first error line
 * (cut, when long). Undefined when there is nothing to say.
 */
export function composeHeadline(facts: HeadlineFacts): string | undefined {
  const cause = rootCause(facts)
  const verdict = facts.gradesPass === false ? gradeVerdict(facts) : undefined
  const thrown = facts.thrown ? errorLine(facts.thrown) : undefined
  if (cause === undefined) {
    if (verdict) return verdict
    return thrown
  }
  const evidence: string[] = []
  for (const grade of facts.grades ?? []) {
    if (grade.pass) continue
    const names = failingTests(grade)
    if (names) evidence.push(`${grade.name}: ${names}`)
  }
  // The agent's error is in the cause already for budgets, agent errors and missing commands.
  const agentLine = facts.agentError ? errorLine(facts.agentError) : undefined
  const shown = agentLine !== undefined && cause.includes(agentLine)
  const hinted = /command (not found|could not be executed): /.test(cause)
  const line = thrown ?? (shown || hinted ? undefined : agentLine)
  if (line && !cause.includes(line)) evidence.push(line)
  if (evidence.length === 0 && verdict) evidence.push(verdict)
  return evidence.length > 0 ? `${cause} — ${evidence.join('; ')}` : cause
}

/** The graders' verdict in a line: the threshold missed, or each failing grade with its evidence. */
function gradeVerdict(facts: HeadlineFacts): string {
  const failed = (facts.grades ?? []).filter((grade) => !grade.pass)
  const parts = failed.map((grade) => {
    const unscored = grade.score === null ? ' (unscored)' : ''
    const names = failingTests(grade)
    return `${grade.name}${unscored}: ${names ?? cut(firstLine(grade.explanation), EXPLANATION_MAX)}`
  })
  if (facts.threshold !== undefined) {
    const score = facts.score == null ? 'unscored' : facts.score.toFixed(2)
    const head = `score ${score} is below the threshold ${facts.threshold}`
    return parts.length > 0 ? `${head} — ${parts.join('; ')}` : head
  }
  return parts.length > 0 ? parts.join('; ') : 'the graders did not pass'
}

/**
 * The failing tests a grade names (the unit-tests grader's `metadata.failing`, or its
 * fail-to-pass/pass-to-pass lists): `3 failing: a, b, c`, or `12 failing: a, b, c, d, e and 7 more`.
 */
export function failingTests(grade: Grade): string | undefined {
  const metadata = grade.metadata ?? {}
  let names = strings(metadata.failing)
  if (names.length === 0) {
    names = [...listFailing(metadata.failToPass), ...listFailing(metadata.passToPass)]
  }
  if (names.length === 0) return undefined
  const counts = metadata.counts as { failed?: unknown; errors?: unknown } | undefined
  const counted =
    typeof counts?.failed === 'number' && typeof counts.errors === 'number'
      ? counts.failed + counts.errors
      : 0
  const total = Math.max(names.length, counted)
  const shown = names.slice(0, MAX_NAMES)
  const more = total - shown.length
  return `${total} failing: ${more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ')}`
}

function listFailing(list: unknown): string[] {
  return typeof list === 'object' && list !== null ? strings((list as { failing?: unknown }).failing) : []
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []
}

// "evalbox: cannot run "x": command not found" (local sandbox), `exec: "x": executable file
// not found` (Docker), "sh: 1: x: not found" (dash), "bash: x: command not found", "zsh: command not found: x".
const NOT_FOUND = [
  /cannot run "([^"]+)": command not found/,
  /exec: "([^"]+)": executable file not found/,
  /command not found: (\S+)/,
  /([^\s:]+): (?:command )?not found\s*$/m,
]
const NOT_EXECUTABLE = [
  /cannot run "([^"]+)"/,
  /exec: "([^"]+)": permission denied/i,
  /([^\s:]+): Permission denied/,
]

/** The command a "not found" message in the agent's last output lines names. */
export function missingCommand(text: string): string | undefined {
  return match(NOT_FOUND, text)
}

function unrunnableCommand(text: string): string | undefined {
  return match(NOT_EXECUTABLE, text)
}

function match(patterns: readonly RegExp[], text: string): string | undefined {
  const tail = text.trim().split('\n').slice(-5).join('\n')
  for (const pattern of patterns) {
    const found = pattern.exec(tail)?.[1]
    if (found) return found
  }
  return undefined
}

function firstLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? ''
  )
}

/** The first non-empty line, cut to {@link ERROR_LINE_MAX}; a leading "…" (a tail) is dropped. */
function errorLine(text: string): string {
  return cut(firstLine(text.replace(/^…/, '')), ERROR_LINE_MAX)
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(1))}s`
}
