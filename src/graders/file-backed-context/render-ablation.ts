import type { ContextBenchReport, ContextFixtureResult } from './bench-report.ts'
import { code, listing, percent, sum, table, yesNo } from './render-format.ts'

/** One fixture in both modes. */
export interface AblationPair {
  fixtureId: string
  on: ContextFixtureResult
  off: ContextFixtureResult
}

/** Pairs the artifacts-on results with the ablation's by fixture id (fixtures in one mode only are left out). */
export function ablationPairs(report: ContextBenchReport): AblationPair[] {
  const off = new Map((report.ablation?.results ?? []).map((result) => [result.fixtureId, result]))
  return report.results.flatMap((on) => {
    const other = off.get(on.fixtureId)
    return other ? [{ fixtureId: on.fixtureId, on, off: other }] : []
  })
}

const HEADER = [
  'Fixture',
  'Tool',
  'Correct (on)',
  'Correct (off)',
  'Inline tokens (on)',
  'Inline tokens (off)',
  'Tokens saved',
  'Cut to budget (off)',
]
const RIGHT = [false, false, false, false, true, true, true, false]

function readings(pairs: readonly AblationPair[], budget: number): string[] {
  const names = (list: readonly AblationPair[]) => listing(list.map((pair) => code(pair.fixtureId)))
  const gained = pairs.filter((pair) => pair.on.answerCorrect && !pair.off.answerCorrect)
  const lost = pairs.filter((pair) => !pair.on.answerCorrect && pair.off.answerCorrect)
  const lines: string[] = []
  if (gained.length > 0) {
    const cut = gained.every((pair) => pair.off.inlineTruncated)
    lines.push(
      `- Only the artifacts recovered the detail of ${names(gained)}${cut ? `: kept inline, ${gained.length === 1 ? 'that output' : 'those outputs'} exceeded the ${budget}-token budget and the detail fell in the cut middle` : ''}.`,
    )
  } else {
    lines.push(
      `- Every detail the artifacts recovered was also recovered inline within the ${budget}-token budget; on these fixtures the artifacts buy token savings, not recovery.`,
    )
  }
  if (lost.length > 0) {
    lines.push(
      `- Kept inline, ${names(lost)} recovered a detail that the artifact run missed: check ${lost.length === 1 ? 'its' : 'their'} \`expectedArtifactQuery\` and \`expectedTool\`.`,
    )
  }
  const tokensOn = sum(pairs, (pair) => pair.on.inlineTokensAfter)
  const tokensOff = sum(pairs, (pair) => pair.off.inlineTokensAfter)
  lines.push(
    `- Inline tokens: ${tokensOff} with outputs inline, ${tokensOn} with artifacts (${percent(tokensOff - tokensOn, tokensOff)} fewer).`,
  )
  return lines
}

/**
 * `ablation.md`: each fixture with artifacts on and off side by side (recovered, inline
 * tokens, tokens saved, whether the inline text was cut), a totals row, and what the
 * difference shows, worded from the numbers.
 */
export function renderAblationMarkdown(report: ContextBenchReport): string {
  const head = [
    '# File-backed context: ablation (artifacts on vs off)',
    '',
    `- Fixture dir: ${code(report.fixtureDir)}`,
    `- Artifacts off: outputs kept inline and cut to ${report.inlineBudgetTokens} tokens (head and tail kept, middle dropped)`,
    `- Generated: ${code(report.generatedAt)}`,
    '',
  ]
  const pairs = ablationPairs(report)
  if (pairs.length === 0) {
    return [
      ...head,
      '_No ablation in this report: run the bench with artifacts on and the ablation enabled._',
      '',
    ].join('\n')
  }
  const count = (pick: (pair: AblationPair) => boolean | undefined) =>
    `${pairs.filter((pair) => pick(pair) === true).length}/${pairs.length}`
  const rows = pairs.map((pair) => [
    code(pair.fixtureId),
    pair.on.expectedTool,
    yesNo(pair.on.answerCorrect),
    yesNo(pair.off.answerCorrect),
    String(pair.on.inlineTokensAfter),
    String(pair.off.inlineTokensAfter),
    String(pair.on.inlineTokensSaved),
    yesNo(pair.off.inlineTruncated === true),
  ])
  rows.push([
    '**Total**',
    '',
    count((pair) => pair.on.answerCorrect),
    count((pair) => pair.off.answerCorrect),
    String(sum(pairs, (pair) => pair.on.inlineTokensAfter)),
    String(sum(pairs, (pair) => pair.off.inlineTokensAfter)),
    String(sum(pairs, (pair) => pair.on.inlineTokensSaved)),
    count((pair) => pair.off.inlineTruncated),
  ])
  return [
    ...head,
    table(HEADER, RIGHT, rows),
    '',
    '## What the artifacts buy',
    '',
    ...readings(pairs, report.inlineBudgetTokens),
    '',
  ].join('\n')
}
