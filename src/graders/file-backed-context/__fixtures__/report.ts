import type { ContextBenchReport, ContextFixtureResult } from '../bench-report.ts'

/** Test-only: a result with round numbers; override what a test is about. */
export function makeResult(
  fixtureId: string,
  fields: Partial<ContextFixtureResult> = {},
): ContextFixtureResult {
  return {
    fixtureId,
    answerCorrect: true,
    inlineCharsBefore: 40_000,
    inlineCharsAfter: 400,
    inlineTokensBefore: 10_000,
    inlineTokensAfter: 100,
    artifactReadCount: 0,
    artifactGrepCount: 1,
    artifactTailCount: 0,
    artifactBytesWritten: 39_900,
    artifactLinesWritten: 500,
    inlineTokensSaved: 9_900,
    turnWallTimeMs: 3,
    recoveredDetail: `${fixtureId} DETAIL`,
    title: fixtureId,
    expectedTool: 'grep',
    artifacts: true,
    ...fields,
  }
}

/** The inline (ablation) twin of a result: nothing moved, tokens unchanged. */
export function inlineTwin(
  on: ContextFixtureResult,
  fields: Partial<ContextFixtureResult> = {},
): ContextFixtureResult {
  return {
    ...on,
    inlineCharsAfter: on.inlineCharsBefore,
    inlineTokensAfter: on.inlineTokensBefore,
    inlineTokensSaved: 0,
    artifactReadCount: 0,
    artifactGrepCount: 0,
    artifactTailCount: 0,
    artifactBytesWritten: 0,
    artifactLinesWritten: 0,
    artifacts: false,
    inlineTruncated: true,
    ...fields,
  }
}

/**
 * Test-only: two fixtures. `big-log` (grep) is lost inline; `small-file` (read) fits the
 * budget and survives.
 */
export function makeReport(fields: Partial<ContextBenchReport> = {}): ContextBenchReport {
  const big = makeResult('big-log')
  const small = makeResult('small-file', {
    expectedTool: 'read',
    artifactReadCount: 1,
    artifactGrepCount: 0,
    inlineCharsBefore: 2_000,
    inlineTokensBefore: 500,
    inlineTokensSaved: 400,
    artifactBytesWritten: 1_900,
    artifactLinesWritten: 20,
    turnWallTimeMs: 1,
  })
  return {
    fixtureDir: '/fixtures',
    offline: true,
    generatedAt: '2026-01-02T03:04:05.000Z',
    artifacts: true,
    inlineBudgetTokens: 8_000,
    results: [big, small],
    ablation: {
      artifacts: false,
      results: [
        inlineTwin(big, { answerCorrect: false, recoveredDetail: undefined }),
        inlineTwin(small, { inlineTruncated: false }),
      ],
    },
    ...fields,
  }
}
