import { MAX_INLINE_OUTPUT } from '../../core/defaults.ts'
import { errorMessage } from '../../core/errors.ts'
import { redactJson } from '../../core/secrets/deep.ts'
import type { TokenUsage } from '../../core/usage.ts'
import type { TestEntry } from '../../store/schema.ts'
import { composeHeadline } from './headline.ts'
import { type CaseResult, exitReason, failureMessage, headlineFacts } from './result.ts'

/** Entry fields a recorded metric may set directly (seed-002 numbers). */
const ENTRY_NUMBERS = new Set([
  'cost_usd',
  'turns_used',
  'detection_rate',
  'false_positives',
  'evidence_quality',
  'first_response_ms',
  'max_inter_turn_ms',
  'timeout_at_turn',
])

/**
 * The result entry of a finished case: plain JSON for `task.meta.evalbox`. The reporter
 * adds what only it knows (pass/fail after retries, attempts, file). Every string of it is
 * redacted here, in the worker, so no secret reaches the main process or a result file.
 */
export function buildEntry(result: CaseResult): TestEntry {
  const { spec, prompt, redactor, sandboxSpec } = result.plan
  const { thrown } = result
  const agent = result.output?.agent
  const metrics = agent?.metrics
  const summary = result.summary
  const calls = agent?.modelCalls
  // What the gateway counted on the wire outranks what the agent's transcript reports.
  const agentCost = calls ? calls.costUsd : (metrics?.costUsd ?? 0)
  const judgeCostUsd = judgeCost(summary?.grades)
  const entry: TestEntry = {
    name: spec.testName,
    suite: spec.suite,
    tier: spec.options.tier ?? 'e2e',
    passed: thrown === undefined && failureMessage(result) === undefined,
    duration_ms: Math.round(result.durationMs),
    cost_usd: agentCost + judgeCostUsd,
    case_name: spec.caseName,
  }
  if (agent) entry.agent_cost_usd = agentCost
  if (judgeCostUsd > 0) entry.judge_cost_usd = judgeCostUsd
  if (spec.repeats > 1) {
    entry.repeat = spec.repeat
    entry.repeats = spec.repeats
  }
  if (prompt !== undefined) entry.prompt = prompt
  // Redacted before it is cut, so the cut never splits a secret.
  const output = result.output?.output === undefined ? undefined : redactor.redact(result.output.output)
  if (output !== undefined) {
    if (output.length > MAX_INLINE_OUTPUT) {
      entry.output = `${output.slice(0, MAX_INLINE_OUTPUT)}\n… (${output.length - MAX_INLINE_OUTPUT} more characters in output.txt)`
    } else {
      entry.output = output
    }
  }
  const reason = exitReason(result)
  if (reason) entry.exit_reason = reason
  if (metrics) {
    entry.turns_used = metrics.turns
    entry.tool_summary = metrics.toolSummary
    if (metrics.lastToolCall) entry.last_tool_call = metrics.lastToolCall
    if (metrics.model) entry.model = metrics.model
    if (metrics.firstResponseMs !== undefined) entry.first_response_ms = Math.round(metrics.firstResponseMs)
    if (metrics.maxInterTurnMs !== undefined) entry.max_inter_turn_ms = Math.round(metrics.maxInterTurnMs)
    if (metrics.timeoutAtTurn !== undefined) entry.timeout_at_turn = metrics.timeoutAtTurn
    if (metrics.tokens) entry.tokens = entryTokens(metrics.tokens)
  }
  if (calls) {
    entry.tokens = entryTokens(calls.tokens)
    entry.model_calls = {
      mode: calls.mode,
      calls: calls.calls,
      refused: calls.refused,
      errors: calls.errors,
      cost_usd: calls.costUsd,
      tokens: entryTokens(calls.tokens),
      by_model: Object.fromEntries(
        Object.entries(calls.byModel).map(([model, use]) => [
          model,
          { calls: use.calls, cost_usd: use.costUsd, tokens: entryTokens(use.tokens) },
        ]),
      ),
      ...(metrics?.tokens && { agent_reported_tokens: entryTokens(metrics.tokens) }),
      ...(metrics?.costUsd !== undefined && { agent_reported_cost_usd: metrics.costUsd }),
      ...(calls.budgetExceeded && { budget_exceeded: calls.budgetExceeded }),
      ...(calls.replayMismatch && { replay_mismatch: calls.replayMismatch }),
    }
  }
  if (summary) {
    entry.score = summary.score
    entry.grades = summary.grades
    for (const grade of summary.grades) Object.assign(entry, liftedFields(grade.metadata))
  }
  if (spec.options.threshold !== undefined) entry.threshold = spec.options.threshold
  if (Object.keys(result.metrics).length > 0) {
    entry.metrics = { ...result.metrics }
    for (const [key, value] of Object.entries(result.metrics)) {
      if (ENTRY_NUMBERS.has(key) && typeof value === 'number') (entry as Record<string, unknown>)[key] = value
    }
  }
  if (!entry.passed) {
    const headline = composeHeadline(headlineFacts(result))
    if (headline) entry.headline = headline
  }
  const error = thrown !== undefined ? errorMessage(thrown) : (result.infraError ?? agent?.error)
  if (error) entry.error = error
  if (agent?.outputTruncated && Object.keys(agent.outputTruncated).length > 0)
    entry.output_truncated = { ...agent.outputTruncated }
  if (result.harvest) entry.harvest = result.harvest
  if (result.outputsNote) entry.metrics = { ...entry.metrics, outputs: result.outputsNote }
  if (result.sandbox) {
    entry.sandbox = { provider: result.sandbox.provider, id: result.sandbox.id }
    if (sandboxSpec?.image) entry.sandbox.image = sandboxSpec.image
  }
  if (result.files.relativeDir) entry.run_dir = result.files.relativeDir
  if (result.files.error) entry.run_dir_error = result.files.error
  if (Object.keys(result.files.artifacts).length > 0) entry.artifacts = { ...result.files.artifacts }
  if (result.files.withheld.length > 0) entry.withheld = [...result.files.withheld]
  const metadata = { ...spec.options.metadata, ...spec.rowMetadata }
  if (Object.keys(metadata).length > 0) entry.metadata = metadata
  const redacted = redactJson(entry, redactor)
  redacted.started_at = result.startedAt.toISOString()
  return redacted
}

function entryTokens(tokens: TokenUsage): NonNullable<TestEntry['tokens']> {
  return {
    input: tokens.input,
    output: tokens.output,
    ...(tokens.cacheRead !== undefined && { cache_read: tokens.cacheRead }),
    ...(tokens.cacheWrite !== undefined && { cache_write: tokens.cacheWrite }),
  }
}

/** What judges (LLM graders) spent; cached calls cost nothing. */
function judgeCost(grades: readonly { metadata?: Record<string, unknown> }[] | undefined): number {
  let usd = 0
  for (const grade of grades ?? []) {
    const cost = grade.metadata?.costUsd
    if (typeof cost === 'number' && Number.isFinite(cost)) usd += cost
  }
  return usd
}

/**
 * Seed-002 fields a grader reports through `metadata.entry` (planted-bug counts, judge scores):
 * only those it may set are left there by the grade step (`GRADE_ENTRY_FIELDS`).
 */
function liftedFields(metadata: Record<string, unknown> | undefined): Partial<TestEntry> {
  const fields = metadata?.entry
  return typeof fields === 'object' && fields !== null ? (fields as Partial<TestEntry>) : {}
}
