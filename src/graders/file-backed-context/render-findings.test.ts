import { describe, expect, test } from 'vitest'
import { makeReport, makeResult } from './__fixtures__/report.ts'
import { renderFindingsMarkdown } from './render-findings.ts'

const LIMITATIONS = `## Current limitations

- Offline and deterministic: payloads are generated or read from files and the artifact operations are local. No model chooses the tool; each fixture names its tool and query, so the bench measures whether the store returns the detail and what leaves the context, not whether a model would ask for it.
- Tokens are estimated as characters / 4, not counted by a tokenizer.
- The inline mode models a context window by keeping the head and tail of oversized text; agents truncate in other ways too, and a model can overlook a detail that did stay in its context.
- Wall times are local file operations on this machine; compare them only within one report.
`

describe('renderFindingsMarkdown', () => {
  test('words the headline and findings from the numbers, ablation included', () => {
    expect(renderFindingsMarkdown(makeReport())).toBe(`# File-backed context: findings summary

## Headline

- Mode: artifacts on (large outputs moved to artifacts, a reference kept inline)
- Fixtures run: \`2\`
- Hidden-detail recovery: \`2/2\`
- Inline tokens before: \`10500\`
- Inline tokens after: \`200\`
- Inline tokens saved: \`10300\` (98.1%)
- Artifact bytes written: \`41800\`
- Artifact lines written: \`520\`
- Artifact calls: \`1 read, 1 grep, 0 tail\`
- Total bench wall time: \`4 ms\`
- Recovery with artifacts off (8000-token budget): \`1/2\`

## Findings

- Artifacts recovered every hidden detail (2/2) with 2 tool calls in all, one per fixture.
- The largest output, \`big-log\` (500 lines, 39900 bytes), went from 10000 to 100 inline tokens (99.0% fewer); one grep call brought its detail back.
- The smallest saving was \`small-file\`: 500 → 100 tokens (80.0% fewer). What stays inline (prompt and reference) costs about the same whatever the output's size, so small outputs gain least.
- Recovered by tool: grep 1/1, read 1/1.
- Kept inline and cut to 8000 tokens, 1/2 details survived; the artifacts recovered 1 more (\`big-log\`). See ablation.md.

${LIMITATIONS}`)
  })

  test('names missed details and the missing ablation', () => {
    const report = makeReport({
      ablation: undefined,
      results: [makeResult('a', { answerCorrect: false, recoveredDetail: undefined }), makeResult('b')],
    })
    const text = renderFindingsMarkdown(report)
    expect(text).toContain(
      "- Artifacts recovered 1/2 hidden details. Not recovered: `a` (grep); check the fixture's query and tool.\n",
    )
    expect(text).toContain(
      'went from 10000 to 100 inline tokens (99.0% fewer), but its detail was not recovered.\n',
    )
    expect(text).toContain('- Recovered by tool: grep 1/2.\n')
    expect(text).toContain(
      '- No ablation was run, so this report cannot say which details only the artifacts recover.\n',
    )
    expect(text).not.toContain('Recovery with artifacts off')
  })

  test('reports an inline-only run in its own terms', () => {
    const report = makeReport({
      artifacts: false,
      ablation: undefined,
      results: makeReport().ablation!.results,
    })
    const text = renderFindingsMarkdown(report)
    expect(text.slice(text.indexOf('## Findings'))).toBe(`## Findings

- Kept inline and cut to 8000 tokens, 1/2 hidden details survived.
- 1 of 2 outputs exceeded the budget and lost their middle (\`big-log\`).
- Lost: \`big-log\` (its output was cut). Run with artifacts on to compare.

${LIMITATIONS}`)
  })
})
