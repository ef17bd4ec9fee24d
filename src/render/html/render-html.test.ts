import { createHash } from 'node:crypto'
import { Script } from 'node:vm'
import { afterAll, describe, expect, it } from 'vitest'
import { resultsFixture } from './__fixtures__/results-dir.ts'
import { buildReport } from './build-report.ts'
import { DATA_ELEMENT_ID, pageScript, type ReportModel, renderReportHtml } from './render-html.ts'

const fx = resultsFixture()
afterAll(() => fx.remove())
const data = buildReport(fx.dir, { now: () => new Date('2026-01-04T00:00:00Z') })
const html = renderReportHtml(data)

function between(text: string, start: string, end: string): string {
  const from = text.indexOf(start)
  if (from === -1) throw new Error(`no ${start}`)
  return text.slice(from + start.length, text.indexOf(end, from + start.length))
}

describe('renderReportHtml', () => {
  it('embeds the data as JSON that parses back whole, with no raw markup from outputs', () => {
    const block = between(html, `<script type="application/json" id="${DATA_ELEMENT_ID}">`, '</script>')
    const model = JSON.parse(block) as ReportModel
    expect(model.data).toEqual(data)
    expect(model.charts.map((c) => c.id)).toEqual(['pass-rate', 'cost'])
    expect(html).not.toContain('<img')
    expect(html.split('</script>')).toHaveLength(3)
  })

  it('ships a page script that parses, allowed by hash and nothing else', () => {
    expect(() => new Script(pageScript())).not.toThrow()
    const hash = createHash('sha256')
      .update(between(html, '<script>', '</script>'))
      .digest('base64')
    const csp = between(html, '<meta http-equiv="Content-Security-Policy" content="', '"')
    expect(csp).toContain(`script-src 'sha256-${hash}'`)
    expect(csp).toContain("default-src 'none'")
  })

  it('makes no requests: no external URLs in the page', () => {
    expect(html).not.toMatch(/\b(src|href)="(?!data:)/)
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/)
  })
})
