import type { ContextBenchReport, ContextFixtureResult } from './bench-report.ts'
import { code, table, yesNo } from './render-format.ts'

/** How a report's mode reads in the markdown headers. */
export function describeMode(report: Pick<ContextBenchReport, 'artifacts' | 'inlineBudgetTokens'>): string {
  return report.artifacts
    ? 'artifacts on (large outputs moved to artifacts, a reference kept inline)'
    : `artifacts off (outputs kept inline, cut to a context budget of ${report.inlineBudgetTokens} tokens)`
}

const HEADER = [
  'Fixture',
  'Tool',
  'Correct',
  'Inline chars before',
  'Inline chars after',
  'Tokens before',
  'Tokens after',
  'Tokens saved',
  'Artifact bytes',
  'Artifact lines',
  'Reads',
  'Greps',
  'Tails',
  'Turn ms',
]
const RIGHT = HEADER.map((_, index) => index >= 3)

function row(result: ContextFixtureResult): string[] {
  return [
    code(result.fixtureId),
    result.expectedTool,
    yesNo(result.answerCorrect),
    ...[
      result.inlineCharsBefore,
      result.inlineCharsAfter,
      result.inlineTokensBefore,
      result.inlineTokensAfter,
      result.inlineTokensSaved,
      result.artifactBytesWritten,
      result.artifactLinesWritten,
      result.artifactReadCount,
      result.artifactGrepCount,
      result.artifactTailCount,
      result.turnWallTimeMs,
    ].map(String),
  ]
}

/** `results.md`: one table row per fixture, then the line each fixture's detail came back in. */
export function renderResultsMarkdown(report: ContextBenchReport): string {
  const details = report.results.map(
    (result) =>
      `- ${code(result.fixtureId)}: ${result.recoveredDetail === undefined ? '_not recovered_' : code(result.recoveredDetail)}`,
  )
  return [
    '# File-backed context: bench results',
    '',
    `- Fixture dir: ${code(report.fixtureDir)}`,
    `- Mode: ${describeMode(report)}`,
    `- Offline: ${code(String(report.offline))}`,
    `- Generated: ${code(report.generatedAt)}`,
    '',
    table(HEADER, RIGHT, report.results.map(row)),
    '',
    '## Recovered details',
    '',
    ...(details.length > 0 ? details : ['_No fixtures._']),
    '',
  ].join('\n')
}
