import type { Collection } from './preflight.ts'
import type { ParsedTests, UnitTestFramework } from './types.ts'
import { formatCounts } from './verdict.ts'

/** What a default command's run left to cross-check its report against. */
export interface ReportCheckFacts {
  framework: UnitTestFramework
  /** Parsed from the report file alone; undefined when the runner wrote none. */
  report: ParsedTests | undefined
  /** Parsed from the printed output alone (the runner's closing summary). */
  printed: ParsedTests
  /** The clean fixture's collection (pytest), made before the agent's patch was applied. */
  collected: Collection | undefined
  /**
   * Files the agent's patch changed that the run used as patched (not restored as trusted
   * tests): the clean collection says nothing about them.
   */
  agentFiles?: readonly string[]
}

const RUNNER: Partial<Record<UnitTestFramework, string>> = {
  pytest: 'pytest',
  vitest: 'vitest',
  jest: 'jest',
}

/**
 * Why a report that would make the run pass is not trusted, or undefined. The runner writes
 * its report from the process that runs the code under test, so that code can write one
 * too (and then stop the runner, `os._exit(0)`); these checks catch a report that does
 * not agree with what the runner itself printed or with the trusted collection:
 *
 * - the runner printed no closing summary (the run did not end the way a runner ends);
 * - the report counts more passing tests than that summary;
 * - pytest: a file's test count differs from the count the clean fixture collected
 *   (files that failed to import on the clean fixture, and files the agent changed that
 *   are not trusted tests, are not compared).
 *
 * Pure. A report without counts is not checked here (no results do not pass anyway).
 */
export function checkReport(facts: ReportCheckFacts): string | undefined {
  const { report, printed } = facts
  if (!report?.counts) return undefined
  const runner = RUNNER[facts.framework] ?? facts.framework
  if (!printed.counts) {
    return `the report says ${formatCounts(report.counts)}, but ${runner} printed no closing summary, so the run did not end normally and the report may have been written by the code under test`
  }
  if (report.counts.passed > printed.counts.passed) {
    return `the report says ${report.counts.passed} passed but ${runner}'s printed summary says ${printed.counts.passed}`
  }
  if (facts.framework === 'pytest' && facts.collected) {
    const mismatch = collectionMismatch(report, facts.collected, facts.agentFiles ?? [])
    if (mismatch) return mismatch
  }
  return undefined
}

function collectionMismatch(
  report: ParsedTests,
  collected: Collection,
  agentFiles: readonly string[],
): string | undefined {
  const perFile: Record<string, number> = {}
  for (const test of report.tests) {
    const file = test.name.split('::')[0]!
    perFile[file] = (perFile[file] ?? 0) + 1
  }
  const skip = new Set([...collected.errored, ...agentFiles])
  const files = new Set([...Object.keys(perFile), ...Object.keys(collected.perFile)])
  const off: string[] = []
  for (const file of [...files].sort()) {
    if (skip.has(file)) continue
    const want = collected.perFile[file] ?? 0
    const got = perFile[file] ?? 0
    if (want !== got) off.push(`${file}: ${got} in the report, ${want} collected`)
  }
  if (off.length === 0) return undefined
  const shown = off.slice(0, 3).join('; ') + (off.length > 3 ? `; +${off.length - 3} more` : '')
  return `the report's tests do not match the tests pytest collected from the clean fixture before the patch (${shown})`
}
