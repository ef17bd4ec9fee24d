import { errorMessage } from '../errors.ts'
import { redactDeep } from '../secrets/deep.ts'
import type { TestEntry } from '../store/schema.ts'
import type { CaseRun, CaseSpec } from './case-run.ts'

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

/** Output longer than this is kept in the run directory instead of inline. */
export const MAX_INLINE_OUTPUT = 16_384

/**
 * The result entry of a finished case: plain JSON for `task.meta.evalbox`. The reporter
 * adds what only it knows (pass/fail after retries, attempts, file). Every string of it is
 * redacted here, in the worker, so no secret reaches the main process or a result file.
 */
export function buildEntry(run: CaseRun, spec: CaseSpec, durationMs: number, thrown: unknown): TestEntry {
  const agent = run.output?.agent
  const metrics = agent?.metrics
  const summary = run.summary
  const entry: TestEntry = {
    name: spec.testName,
    suite: spec.suite,
    tier: spec.options.tier ?? 'e2e',
    passed: thrown === undefined && run.failureMessage() === undefined,
    duration_ms: Math.round(durationMs),
    cost_usd: (metrics?.costUsd ?? 0) + judgeCost(run.summary?.grades),
    case_name: spec.caseName,
  }
  if (spec.repeats > 1) {
    entry.repeat = spec.repeat
    entry.repeats = spec.repeats
  }
  if (run.prompt !== undefined) entry.prompt = run.prompt
  // Redacted before it is cut, so the cut never splits a secret.
  const output = run.output?.output === undefined ? undefined : run.redactor.redact(run.output.output)
  if (output !== undefined) {
    if (output.length > MAX_INLINE_OUTPUT) {
      entry.output = `${output.slice(0, MAX_INLINE_OUTPUT)}\n… (${output.length - MAX_INLINE_OUTPUT} more characters in output.txt)`
    } else {
      entry.output = output
    }
  }
  const exitReason = run.exitReason()
  if (exitReason) entry.exit_reason = exitReason
  if (metrics) {
    entry.turns_used = metrics.turns
    entry.tool_summary = metrics.toolSummary
    if (metrics.lastToolCall) entry.last_tool_call = metrics.lastToolCall
    if (metrics.model) entry.model = metrics.model
    if (metrics.firstResponseMs !== undefined) entry.first_response_ms = Math.round(metrics.firstResponseMs)
    if (metrics.maxInterTurnMs !== undefined) entry.max_inter_turn_ms = Math.round(metrics.maxInterTurnMs)
    if (metrics.timeoutAtTurn !== undefined) entry.timeout_at_turn = metrics.timeoutAtTurn
    if (metrics.tokens) {
      entry.tokens = {
        input: metrics.tokens.input,
        output: metrics.tokens.output,
        ...(metrics.tokens.cacheRead !== undefined && { cache_read: metrics.tokens.cacheRead }),
        ...(metrics.tokens.cacheWrite !== undefined && { cache_write: metrics.tokens.cacheWrite }),
      }
    }
  }
  if (summary) {
    entry.score = summary.score
    entry.grades = summary.grades
    for (const grade of summary.grades) Object.assign(entry, liftedFields(grade.metadata))
  }
  if (spec.options.threshold !== undefined) entry.threshold = spec.options.threshold
  if (Object.keys(run.metrics).length > 0) {
    entry.metrics = { ...run.metrics }
    for (const [key, value] of Object.entries(run.metrics)) {
      if (ENTRY_NUMBERS.has(key) && typeof value === 'number') (entry as Record<string, unknown>)[key] = value
    }
  }
  const error = thrown !== undefined ? errorMessage(thrown) : (run.infraError ?? agent?.error)
  if (error) entry.error = error
  if (agent?.outputTruncated && Object.keys(agent.outputTruncated).length > 0)
    entry.output_truncated = { ...agent.outputTruncated }
  if (run.harvest) entry.harvest = run.harvest
  if (run.outputsNote) entry.metrics = { ...entry.metrics, outputs: run.outputsNote }
  if (run.sandbox) {
    entry.sandbox = { provider: run.sandbox.provider, id: run.sandbox.id }
    if (run.sandboxSpec?.image) entry.sandbox.image = run.sandboxSpec.image
  }
  if (run.files.relativeDir) entry.run_dir = run.files.relativeDir
  if (run.files.error) entry.run_dir_error = run.files.error
  if (Object.keys(run.files.artifacts).length > 0) entry.artifacts = { ...run.files.artifacts }
  if (run.files.withheld.length > 0) entry.withheld = [...run.files.withheld]
  const metadata = { ...spec.options.metadata, ...spec.rowMetadata }
  if (Object.keys(metadata).length > 0) entry.metadata = metadata
  return redactDeep(entry, run.redactor.redact, true)
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

/** Seed-002 fields a grader reports through `metadata.entry` (planted-bug counts, judge scores). */
function liftedFields(metadata: Record<string, unknown> | undefined): Partial<TestEntry> {
  const fields = metadata?.entry
  return typeof fields === 'object' && fields !== null ? (fields as Partial<TestEntry>) : {}
}
