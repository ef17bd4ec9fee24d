import { describe, expect, test } from 'vitest'
import { inlineTwin, makeReport, makeResult } from './__fixtures__/report.ts'
import { ablationPairs, renderAblationMarkdown } from './render-ablation.ts'

describe('renderAblationMarkdown', () => {
  test('puts both modes side by side with totals and says what the artifacts bought', () => {
    expect(renderAblationMarkdown(makeReport())).toBe(`# File-backed context: ablation (artifacts on vs off)

- Fixture dir: \`/fixtures\`
- Artifacts off: outputs kept inline and cut to 8000 tokens (head and tail kept, middle dropped)
- Generated: \`2026-01-02T03:04:05.000Z\`

| Fixture | Tool | Correct (on) | Correct (off) | Inline tokens (on) | Inline tokens (off) | Tokens saved | Cut to budget (off) |
| --- | --- | --- | --- | ---: | ---: | ---: | --- |
| \`big-log\` | grep | yes | no | 100 | 10000 | 9900 | yes |
| \`small-file\` | read | yes | yes | 100 | 500 | 400 | no |
| **Total** |  | 2/2 | 1/2 | 200 | 10500 | 10300 | 1/2 |

## What the artifacts buy

- Only the artifacts recovered the detail of \`big-log\`: kept inline, that output exceeded the 8000-token budget and the detail fell in the cut middle.
- Inline tokens: 10500 with outputs inline, 200 with artifacts (98.1% fewer).
`)
  })

  test('says so when inline recovered everything, and flags details only the inline run found', () => {
    const on = [makeResult('a'), makeResult('b', { answerCorrect: false, recoveredDetail: undefined })]
    const report = makeReport({
      results: on,
      ablation: {
        artifacts: false,
        results: on.map((r) => inlineTwin(r, { answerCorrect: true, inlineTruncated: false })),
      },
    })
    const text = renderAblationMarkdown(report)
    expect(text).toContain(
      '- Every detail the artifacts recovered was also recovered inline within the 8000-token budget; on these fixtures the artifacts buy token savings, not recovery.\n',
    )
    expect(text).toContain(
      '- Kept inline, `b` recovered a detail that the artifact run missed: check its `expectedArtifactQuery` and `expectedTool`.\n',
    )
    expect(text).toContain('| **Total** |  | 1/2 | 2/2 | 200 | 20000 | 19800 | 0/2 |')
  })

  test('pairs by fixture id and explains a report without an ablation', () => {
    const report = makeReport()
    const reversed = {
      ...report,
      ablation: { artifacts: false as const, results: [...report.ablation!.results].reverse() },
    }
    expect(ablationPairs(reversed).map((pair) => [pair.fixtureId, pair.off.fixtureId])).toEqual([
      ['big-log', 'big-log'],
      ['small-file', 'small-file'],
    ])
    expect(renderAblationMarkdown(makeReport({ ablation: undefined }))).toContain(
      '_No ablation in this report: run the bench with artifacts on and the ablation enabled._',
    )
  })
})
