import { describe, expect, test } from 'vitest'
import { makeReport, makeResult } from './__fixtures__/report.ts'
import { code, table } from './render-format.ts'
import { renderResultsMarkdown } from './render-results.ts'

describe('renderResultsMarkdown', () => {
  test('renders the header, one row per fixture and the recovered details', () => {
    expect(renderResultsMarkdown(makeReport())).toBe(`# File-backed context: bench results

- Fixture dir: \`/fixtures\`
- Mode: artifacts on (large outputs moved to artifacts, a reference kept inline)
- Offline: \`true\`
- Generated: \`2026-01-02T03:04:05.000Z\`

| Fixture | Tool | Correct | Inline chars before | Inline chars after | Tokens before | Tokens after | Tokens saved | Artifact bytes | Artifact lines | Reads | Greps | Tails | Turn ms |
| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
| \`big-log\` | grep | yes | 40000 | 400 | 10000 | 100 | 9900 | 39900 | 500 | 0 | 1 | 0 | 3 |
| \`small-file\` | read | yes | 2000 | 400 | 500 | 100 | 400 | 1900 | 20 | 1 | 0 | 0 | 1 |

## Recovered details

- \`big-log\`: \`big-log DETAIL\`
- \`small-file\`: \`small-file DETAIL\`
`)
  })

  test('marks a missed detail and names the inline mode with its budget', () => {
    const report = makeReport({
      artifacts: false,
      inlineBudgetTokens: 2_000,
      ablation: undefined,
      results: [makeResult('lost', { answerCorrect: false, recoveredDetail: undefined, artifacts: false })],
    })
    const text = renderResultsMarkdown(report)
    expect(text).toContain(
      '- Mode: artifacts off (outputs kept inline, cut to a context budget of 2000 tokens)\n',
    )
    expect(text).toContain('- `lost`: _not recovered_\n')
  })

  test('keeps backticks and pipes in details from breaking the markdown', () => {
    const report = makeReport({
      ablation: undefined,
      results: [makeResult('x', { recoveredDetail: 'run `a | b`' })],
    })
    expect(renderResultsMarkdown(report)).toContain('- `x`: `` run `a | b` ``\n')
    expect(code('plain')).toBe('`plain`')
    expect(table(['A', 'B'], [false, true], [['a|b', '1']])).toBe('| A | B |\n| --- | ---: |\n| a\\|b | 1 |')
  })
})
