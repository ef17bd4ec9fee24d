import type { ContextBenchReport } from './bench-report.ts'
import { percent, sum } from './render-format.ts'

/**
 * The few lines a terminal gets after a bench: fixtures and mode, details recovered (and
 * with the ablation, how many survived inline), tokens saved, and what was missed.
 */
export function renderBenchSummary(report: ContextBenchReport): string {
  const results = report.results
  const recovered = results.filter((result) => result.answerCorrect).length
  const mode = report.artifacts
    ? 'artifacts on'
    : `artifacts off, inline budget ${report.inlineBudgetTokens} tokens`
  const lines = [`${results.length} fixture${results.length === 1 ? '' : 's'} (${mode})`]
  const off = report.ablation?.results
  const ablation = off
    ? ` (artifacts off: ${off.filter((result) => result.answerCorrect).length}/${off.length} within the ${report.inlineBudgetTokens}-token budget)`
    : ''
  lines.push(`recovered ${recovered}/${results.length} hidden details${ablation}`)
  const before = sum(results, (result) => result.inlineTokensBefore)
  const after = sum(results, (result) => result.inlineTokensAfter)
  if (report.artifacts) {
    const saved = sum(results, (result) => result.inlineTokensSaved)
    lines.push(`inline tokens ${before} → ${after} (${saved} saved, ${percent(saved, before)})`)
  } else {
    lines.push(`inline tokens ${before} (nothing moved to artifacts)`)
  }
  const missed = results.filter((result) => !result.answerCorrect).map((result) => result.fixtureId)
  if (missed.length > 0) lines.push(`not recovered: ${missed.join(', ')}`)
  return lines.join('\n')
}
