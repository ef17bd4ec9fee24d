import { relative } from 'node:path'
import type { TestCase } from 'vitest/node'
import '../eval/meta.ts'
import type { NotRunEntry, TestEntry } from '../store/schema.ts'

/**
 * The result entry of a finished test: the worker's entry from `task.meta.evalbox`, with
 * what only the main process knows (the final state after retries, attempts, file). A plain
 * Vitest test in an evals project gets an honest minimal entry. The worker's entry is redacted
 * already (buildEntry); `redact` is applied to every string added here.
 */
export function toEntry(testCase: TestCase, root: string, redact: (text: string) => string): TestEntry {
  const result = testCase.result()
  const diagnostic = testCase.diagnostic()
  const meta = testCase.meta().evalbox
  const passed = result.state === 'passed'
  const entry: TestEntry = meta
    ? { ...meta }
    : {
        name: redact(testCase.name),
        suite: redact(suiteOf(testCase, root)),
        tier: 'e2e',
        passed,
        duration_ms: Math.round(diagnostic?.duration ?? 0),
        cost_usd: 0,
      }
  entry.passed = passed
  entry.status = passed ? 'passed' : 'failed'
  entry.id = testCase.id
  entry.file = redact(relative(root, testCase.module.moduleId))
  const line = lineOf(testCase)
  if (line !== undefined) entry.line = line
  const attempts = (diagnostic?.retryCount ?? 0) + 1
  if (attempts > 1) entry.attempts = attempts
  if (diagnostic?.flaky) entry.flaky = true
  if (!passed && !entry.error && result.state === 'failed') {
    const first = result.errors?.[0]
    if (first) entry.error = redact(first.message ?? String(first))
  }
  return entry
}

/** The record of a test that did not run; `reason` overrides Vitest's skip note. */
export function toNotRunEntry(testCase: TestCase, root: string, reason?: string): NotRunEntry {
  const state = testCase.result().state
  const mode = testCase.options.mode
  const status: NotRunEntry['status'] = state === 'pending' ? 'not_run' : mode === 'todo' ? 'todo' : 'skipped'
  const entry: NotRunEntry = {
    id: testCase.id,
    name: testCase.name,
    suite: suiteOf(testCase, root),
    tier: tierOf(testCase),
    file: relative(root, testCase.module.moduleId),
    status,
  }
  const note = reason ?? (state === 'skipped' ? (testCase.result() as { note?: string }).note : undefined)
  if (note) entry.reason = note
  return entry
}

function suiteOf(testCase: TestCase, root: string): string {
  const names: string[] = []
  for (let parent = testCase.parent; parent.type === 'suite'; parent = parent.parent)
    names.unshift(parent.name)
  return names.length > 0 ? names.join(' > ') : relative(root, testCase.module.moduleId)
}

/** A test that never ran has no entry to say its tier; evals record it in their meta at definition. */
export function tierOf(testCase: TestCase): string {
  return testCase.meta().evalboxTier ?? 'e2e'
}

/**
 * The line of the eval's `evalTest`/`describeEval` call (recorded at definition), else what
 * Vitest located (with `includeTaskLocation`) for the test or its nearest suite.
 */
function lineOf(testCase: TestCase): number | undefined {
  const line = testCase.meta().evalboxLine
  if (line !== undefined) return line
  if (testCase.location) return testCase.location.line
  for (let parent = testCase.parent; parent.type === 'suite'; parent = parent.parent) {
    if (parent.location) return parent.location.line
  }
  return undefined
}
