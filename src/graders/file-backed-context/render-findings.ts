import type { ContextBenchReport, ContextFixtureResult } from './bench-report.ts'
import { ablationPairs } from './render-ablation.ts'
import { code, listing, percent, sum } from './render-format.ts'
import { describeMode } from './render-results.ts'

type Results = readonly ContextFixtureResult[]

const TOOLS = ['grep', 'read', 'tail'] as const

function recovered(results: Results): string {
  return `${results.filter((result) => result.answerCorrect).length}/${results.length}`
}

function headline(report: ContextBenchReport): string[] {
  const results = report.results
  const before = sum(results, (r) => r.inlineTokensBefore)
  const after = sum(results, (r) => r.inlineTokensAfter)
  const lines = [
    `- Mode: ${describeMode(report)}`,
    `- Fixtures run: ${code(String(results.length))}`,
    `- Hidden-detail recovery: ${code(recovered(results))}`,
    `- Inline tokens before: ${code(String(before))}`,
    `- Inline tokens after: ${code(String(after))}`,
    `- Inline tokens saved: ${code(String(sum(results, (r) => r.inlineTokensSaved)))} (${percent(before - after, before)})`,
    `- Artifact bytes written: ${code(String(sum(results, (r) => r.artifactBytesWritten)))}`,
    `- Artifact lines written: ${code(String(sum(results, (r) => r.artifactLinesWritten)))}`,
    `- Artifact calls: ${code(`${sum(results, (r) => r.artifactReadCount)} read, ${sum(results, (r) => r.artifactGrepCount)} grep, ${sum(results, (r) => r.artifactTailCount)} tail`)}`,
    `- Total bench wall time: ${code(`${sum(results, (r) => r.turnWallTimeMs)} ms`)}`,
  ]
  if (report.ablation) {
    lines.push(
      `- Recovery with artifacts off (${report.inlineBudgetTokens}-token budget): ${code(recovered(report.ablation.results))}`,
    )
  }
  return lines
}

function missedNote(result: ContextFixtureResult): string {
  if (!result.artifacts)
    return `${code(result.fixtureId)}${result.inlineTruncated ? ' (its output was cut)' : ''}`
  return `${code(result.fixtureId)} (${result.expectedTool})`
}

function ratio(result: ContextFixtureResult): number {
  return result.inlineTokensBefore === 0 ? 0 : result.inlineTokensSaved / result.inlineTokensBefore
}

function artifactFindings(report: ContextBenchReport): string[] {
  const results = report.results
  const lines: string[] = []
  const missed = results.filter((r) => !r.answerCorrect)
  const calls = sum(results, (r) => r.artifactReadCount + r.artifactGrepCount + r.artifactTailCount)
  lines.push(
    missed.length === 0
      ? `- Artifacts recovered every hidden detail (${recovered(results)}) with ${calls} tool call${calls === 1 ? '' : 's'} in all, one per fixture.`
      : `- Artifacts recovered ${recovered(results)} hidden details. Not recovered: ${listing(missed.map(missedNote))}; check the fixture's query and tool.`,
  )
  const largest = [...results].sort((a, b) => b.inlineTokensSaved - a.inlineTokensSaved)[0]
  if (largest) {
    lines.push(
      `- The largest output, ${code(largest.fixtureId)} (${largest.artifactLinesWritten} lines, ${largest.artifactBytesWritten} bytes), went from ${largest.inlineTokensBefore} to ${largest.inlineTokensAfter} inline tokens (${percent(largest.inlineTokensSaved, largest.inlineTokensBefore)} fewer)${largest.answerCorrect ? `; one ${largest.expectedTool} call brought its detail back` : ', but its detail was not recovered'}.`,
    )
  }
  const smallest = [...results].sort((a, b) => ratio(a) - ratio(b))[0]
  if (smallest && largest && smallest !== largest) {
    lines.push(
      `- The smallest saving was ${code(smallest.fixtureId)}: ${smallest.inlineTokensBefore} → ${smallest.inlineTokensAfter} tokens (${percent(smallest.inlineTokensSaved, smallest.inlineTokensBefore)} fewer). What stays inline (prompt and reference) costs about the same whatever the output's size, so small outputs gain least.`,
    )
  }
  const byTool = TOOLS.map((tool) => [tool, results.filter((r) => r.expectedTool === tool)] as const)
    .filter(([, list]) => list.length > 0)
    .map(([tool, list]) => `${tool} ${recovered(list)}`)
  if (byTool.length > 0) lines.push(`- Recovered by tool: ${byTool.join(', ')}.`)
  const pairs = ablationPairs(report)
  if (pairs.length > 0) {
    const gained = pairs.filter((pair) => pair.on.answerCorrect && !pair.off.answerCorrect)
    const offResults = pairs.map((pair) => pair.off)
    lines.push(
      gained.length > 0
        ? `- Kept inline and cut to ${report.inlineBudgetTokens} tokens, ${recovered(offResults)} details survived; the artifacts recovered ${gained.length} more (${listing(gained.map((pair) => code(pair.fixtureId)))}). See ablation.md.`
        : `- Kept inline and cut to ${report.inlineBudgetTokens} tokens, ${recovered(offResults)} details survived, so on these fixtures the artifacts recovered nothing the inline context lost; they saved tokens. See ablation.md.`,
    )
  }
  return lines
}

function inlineFindings(report: ContextBenchReport): string[] {
  const results = report.results
  const cut = results.filter((r) => r.inlineTruncated)
  const missed = results.filter((r) => !r.answerCorrect)
  return [
    `- Kept inline and cut to ${report.inlineBudgetTokens} tokens, ${recovered(results)} hidden details survived.`,
    `- ${cut.length} of ${results.length} outputs exceeded the budget and lost their middle${cut.length > 0 ? ` (${listing(cut.map((r) => code(r.fixtureId)))})` : ''}.`,
    missed.length > 0
      ? `- Lost: ${listing(missed.map(missedNote))}. Run with artifacts on to compare.`
      : '- Nothing was lost: every detail sat in the part of the output that stayed inline.',
  ]
}

function limitations(report: ContextBenchReport): string[] {
  const lines = [
    '- Offline and deterministic: payloads are generated or read from files and the artifact operations are local. No model chooses the tool; each fixture names its tool and query, so the bench measures whether the store returns the detail and what leaves the context, not whether a model would ask for it.',
    '- Tokens are estimated as characters / 4, not counted by a tokenizer.',
    '- The inline mode models a context window by keeping the head and tail of oversized text; agents truncate in other ways too, and a model can overlook a detail that did stay in its context.',
    '- Wall times are local file operations on this machine; compare them only within one report.',
  ]
  if (report.artifacts && !report.ablation) {
    lines.push('- No ablation was run, so this report cannot say which details only the artifacts recover.')
  }
  return lines
}

/**
 * `findings-summary.md`: the headline numbers, findings worded from this report's numbers
 * (recovery, the largest and smallest savings, recovery by tool, the ablation's difference),
 * and the bench's limitations.
 */
export function renderFindingsMarkdown(report: ContextBenchReport): string {
  const findings =
    report.results.length === 0
      ? ['- No fixtures ran.']
      : report.artifacts
        ? artifactFindings(report)
        : inlineFindings(report)
  return [
    '# File-backed context: findings summary',
    '',
    '## Headline',
    '',
    ...headline(report),
    '',
    '## Findings',
    '',
    ...findings,
    '',
    '## Current limitations',
    '',
    ...limitations(report),
    '',
  ].join('\n')
}
