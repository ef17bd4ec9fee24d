import type { ListOutcome, ResolutionReport } from './resolution.ts'
import type { ParsedTests, TestCounts } from './types.ts'

/** A trusted test file the agent's patch changed (restored from the fixture for the run). */
export interface TamperedFile {
  path: string
  change: 'modified' | 'added' | 'deleted'
}

/** Everything the verdict is made from. */
export interface RunFacts {
  /** The command as shown in explanations. */
  label: string
  exitCode: number | null
  signal: string | null
  timedOut: boolean
  timeoutMs: number
  /** Parsed output; undefined when the framework is unknown (no parser ran). */
  parsed: ParsedTests | undefined
  /**
   * The output format is known (the framework's default command), so a run that exits 0
   * without any recognisable result is suspect rather than a pass.
   */
  expectResults: boolean
  /** Present when fail-to-pass / pass-to-pass lists were given. */
  resolution: ResolutionReport | undefined
  tampered: readonly TamperedFile[]
  /**
   * Test files (relative paths) the runner ran that reported no test although they should
   * hold tests (`expectedTestFiles`): each counts as an error.
   */
  emptyTestFiles: readonly string[]
  /** `none`: no patch (no agent, or no harvest); `empty`: the agent changed nothing. */
  patch: 'none' | 'empty' | 'applied'
  /**
   * The runner whose report file the default command should have written, when it wrote
   * none (pytest cut short by `os._exit(0)`); the printed output is then not read either.
   */
  reportMissing?: string
  /** Why the run's report is not trusted (`checkReport`); a run that would pass then fails. */
  refused?: string
}

/** Pass, score, explanation and metadata of a unit-test run. */
export interface Verdict {
  pass: boolean
  score: number
  explanation: string
  metadata: Record<string, unknown>
}

/**
 * The verdict. Pass: the exit code is 0 (and no timeout) and the results agree with it,
 * or, with F2P/P2P lists, the resolution is `full`. Score: with lists, the share of listed
 * tests that pass; else passed / (passed + failed + errors) when counts exist and agree
 * with the exit code; else 1 or 0 from the exit code. When counts and exit code disagree
 * (output saying "all passed" from a command that exited 1, or failures from one that
 * exited 0) the run does not pass, scores 0, and the explanation says so. A run that would
 * pass but whose report is `refused` fails with score 0.
 *
 * A run that exits 0 with no test run to a result does not pass: counts of zero, or, for a
 * default command, no result at all (pytest cut short by code under test calling
 * `os._exit(0)` prints no summary). Nor does one where a test file reported no test
 * (node:test lists a file whose process exited before its tests as one passing "test"):
 * each such file counts as an error. Pure.
 */
export function unitTestVerdict(facts: RunFacts): Verdict {
  const reported = facts.parsed?.counts
  const exitOk = facts.exitCode === 0 && !facts.timedOut
  // Agreement is between the runner's own results and its exit code.
  const agree = reported === undefined || (reported.failed + reported.errors === 0) === exitOk
  const noTests = facts.emptyTestFiles
  const counts =
    noTests.length > 0
      ? {
          ...(reported ?? { passed: 0, failed: 0, skipped: 0 }),
          errors: (reported?.errors ?? 0) + noTests.length,
        }
      : reported
  const ran = counts ? counts.passed + counts.failed + counts.errors : 0
  const { resolution } = facts

  const empty = exitOk && !resolution && (counts ? ran === 0 : facts.expectResults)
  let pass = exitOk && agree && !empty && (resolution !== undefined || noTests.length === 0)
  let score = pass ? 1 : 0
  if (facts.timedOut || empty) {
    pass = false
    score = 0
  } else if (resolution) {
    pass = resolution.resolved === 'full'
    const listed = resolution.failToPass.total + resolution.passToPass.total
    score = (resolution.failToPass.passing.length + resolution.passToPass.passing.length) / listed
  } else if (counts && agree && ran > 0) {
    score = counts.passed / ran
  }

  const refused = facts.refused !== undefined && pass
  if (refused) {
    pass = false
    score = 0
  }

  const parts = [outcomeText(facts, counts)]
  const unreadable = facts.parsed?.reportError
  const noReport = `${facts.reportMissing} wrote no readable report${unreadable ? ` (${unreadable})` : ''}`
  if (empty) {
    parts.push(
      counts
        ? 'no test ran to a result, which does not pass'
        : facts.reportMissing
          ? `${noReport}: a run cut short (say, by the code under test calling os._exit(0)) does not pass`
          : 'it printed no test results: a run cut short (say, by the code under test exiting early) does not pass',
    )
  } else if (!agree) {
    parts.push(
      exitOk
        ? resolution
          ? 'its output reports failures but it exited with 0'
          : 'its output reports failures but it exited with 0; results and exit code disagree, which does not pass'
        : `its output reports no failures but it ${facts.timedOut ? 'timed out' : `exited with ${facts.exitCode ?? facts.signal}`}; the exit code decides`,
    )
  } else if (facts.reportMissing) {
    parts.push(`${noReport}, so no test counts (the run did not finish)`)
  } else if (unreadable) {
    parts.push(`the report could not be read (${unreadable}); the printed output was read instead`)
  }
  if (refused) parts.push(`results refused: ${facts.refused}`)
  if (noTests.length > 0) {
    const one = noTests.length === 1
    parts.push(
      `${one ? `test file ${noTests[0]}` : `test files ${shortList(noTests)}`} reported no tests: ` +
        `${one ? 'it was run but none of its tests were' : 'they were run but none of their tests were'} ` +
        '(the process ended first, as when the code under test calls process.exit), which counts as an error' +
        (resolution ? '' : ' and does not pass'),
    )
  }
  if (resolution) parts.push(resolutionText(resolution, facts.exitCode))
  if (facts.tampered.length > 0) {
    const list = facts.tampered.map((file) => `${file.path} (${file.change})`).join(', ')
    parts.push(`the agent changed test files, which were restored from the fixture (edits ignored): ${list}`)
  }
  if (facts.patch === 'none') {
    parts.push('no agent patch (no agent ran or nothing was harvested): the tests ran on the clean fixture')
  } else if (facts.patch === 'empty') {
    parts.push('the agent changed nothing: the tests ran on the clean fixture')
  }

  const failing = (facts.parsed?.tests ?? []).filter((t) => t.status === 'failed' || t.status === 'error')
  return {
    pass,
    score,
    explanation: parts.join('; '),
    metadata: {
      exitCode: facts.exitCode,
      timedOut: facts.timedOut,
      ...(counts && { counts }),
      ...(failing.length > 0 && { failing: failing.slice(0, 50).map((t) => t.name) }),
      ...(resolution && {
        resolved: resolution.resolved,
        failToPass: listMetadata(resolution.failToPass),
        passToPass: listMetadata(resolution.passToPass),
      }),
      ...(noTests.length > 0 && { emptyTestFiles: [...noTests] }),
      ...(refused && { refused: facts.refused }),
      tampered: facts.tampered.map((file) => file.path),
      ...(facts.tampered.length > 0 && {
        tamperedChanges: Object.fromEntries(facts.tampered.map((file) => [file.path, file.change])),
      }),
      patch: facts.patch,
    },
  }
}

/** `3 passed, 1 failed, 1 skipped, 1 error`. */
export function formatCounts(counts: TestCounts): string {
  const parts = [`${counts.passed} passed`, `${counts.failed} failed`]
  if (counts.skipped > 0) parts.push(`${counts.skipped} skipped`)
  if (counts.errors > 0) parts.push(`${counts.errors} error${counts.errors === 1 ? '' : 's'}`)
  return parts.join(', ')
}

function outcomeText(facts: RunFacts, counts: TestCounts | undefined): string {
  const how = facts.timedOut
    ? `timed out after ${facts.timeoutMs} ms`
    : `exited with ${facts.exitCode ?? facts.signal}`
  const failing = (facts.parsed?.tests ?? [])
    .filter((t) => t.status === 'failed' || t.status === 'error')
    .map((t) => t.name)
  const names = failing.length > 0 ? ` (failing: ${shortList(failing)})` : ''
  return `\`${facts.label}\` ${how}${counts ? `: ${formatCounts(counts)}${names}` : ''}`
}

function resolutionText(resolution: ResolutionReport, exitCode: number | null): string {
  const list = (label: string, outcome: ListOutcome) => {
    if (outcome.total === 0) return `${label}: none listed`
    const failing = outcome.failing.filter((id) => !outcome.missing.includes(id))
    const failed = failing.length > 0 ? `, not passing: ${shortList(failing)}` : ''
    const missing = outcome.missing.length > 0 ? `, not in the run: ${shortList(outcome.missing)}` : ''
    return `${label}: ${outcome.passing.length}/${outcome.total} pass${failed}${missing}`
  }
  const other =
    resolution.resolved === 'full' && exitCode !== 0 ? ' (unlisted tests fail, which the lists allow)' : ''
  return `resolved: ${resolution.resolved}${other} (${list('fail-to-pass', resolution.failToPass)}; ${list('pass-to-pass', resolution.passToPass)})`
}

function listMetadata(outcome: ListOutcome) {
  return {
    passing: outcome.passing.length,
    total: outcome.total,
    ...(outcome.failing.length > 0 && { failing: outcome.failing }),
    ...(outcome.missing.length > 0 && { missing: outcome.missing }),
  }
}

function shortList(names: readonly string[], max = 5): string {
  const shown = names.slice(0, max).join(', ')
  return names.length > max ? `${shown} (+${names.length - max} more)` : shown
}
