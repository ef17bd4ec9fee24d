import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ResultsFixture, resultsFixture, shardedResults } from './__fixtures__/results-dir.ts'
import { buildReport } from './build-report.ts'
import { renderReportHtml } from './render-html.ts'

// The report page in a real headless Chromium, opened from file:// as a user would open it.
const CHROMIUM = process.env.EVALBOX_CHROMIUM || '/usr/bin/chromium'
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
const available = existsSync(CHROMIUM)
const required = process.env.EVALBOX_REQUIRE_BROWSER === '1'
if (!available && !required) {
  console.log(
    `Skipping the report browser test: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set EVALBOX_CHROMIUM). Set EVALBOX_REQUIRE_BROWSER=1 to fail instead.`,
  )
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
const PAGINATE = 'paginate › fixes paginate'

describe.skipIf(!available && !required)('evalbox report in Chromium', () => {
  let fx: ResultsFixture
  let work: string
  let context: BrowserContext
  let page: Page
  let url: string
  let smallUrl: string
  let shardUrl: string
  let budgetUrl: string
  let sharded: ReturnType<typeof shardedResults>
  const problems: string[] = []
  const requests: string[] = []

  beforeAll(async () => {
    expect(available, `EVALBOX_REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM}`).toBe(true)
    fx = resultsFixture()
    work = mkdtempSync(join(tmpdir(), 'evalbox-report-browser-'))
    const file = join(work, 'evals-report.html')
    writeFileSync(
      file,
      renderReportHtml(buildReport(fx.dir, { now: () => new Date('2026-01-03T12:00:00Z') })),
    )
    url = pathToFileURL(file).href
    const small = join(work, 'small.html')
    writeFileSync(small, renderReportHtml(buildReport(fx.dir, { maxTextBytes: 40 })))
    smallUrl = pathToFileURL(small).href
    sharded = shardedResults(join(work, 'sharded'))
    const shardPage = join(work, 'sharded.html')
    writeFileSync(shardPage, renderReportHtml(buildReport(join(work, 'sharded'))))
    shardUrl = pathToFileURL(shardPage).href
    // A budget of one byte: only the case the page opens on keeps its details.
    const budgetPage = join(work, 'budget.html')
    writeFileSync(budgetPage, renderReportHtml(buildReport(fx.dir, { maxDetailBytes: 1 })))
    budgetUrl = pathToFileURL(budgetPage).href
    context = await chromium.launchPersistentContext(join(work, 'profile'), {
      executablePath: CHROMIUM,
      args: ARGS,
      headless: true,
      viewport: { width: 1400, height: 1000 },
    })
    page = context.pages()[0] ?? (await context.newPage())
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        problems.push(`console: ${message.text()}`)
    })
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`)
      void dialog.dismiss()
    })
    page.on('request', (request) => requests.push(request.url()))
    await page.goto(url)
  }, 60_000)

  afterAll(async () => {
    await context?.close()
    fx?.remove()
    if (work) rmSync(work, { recursive: true, force: true })
  })

  const texts = (selector: string) => page.$$eval(selector, (nodes) => nodes.map((n) => n.textContent ?? ''))
  const column = (n: number) => texts(`#case-table tbody tr td:nth-child(${n})`)

  it('draws one trend point per run in each chart, with tooltips', async () => {
    const all = Object.values(fx.files).sort()
    for (const chart of ['#chart-pass-rate', '#chart-cost']) {
      const runs = await page.$$eval(`${chart} circle.point`, (nodes) =>
        nodes.map((n) => n.getAttribute('data-run')),
      )
      expect(runs.sort()).toEqual(all)
    }
    const tooltip = await page.textContent(`#chart-cost circle[data-run="${fx.files.e2eNew}"] title`)
    expect(tooltip).toContain(fx.files.e2eNew)
    expect(tooltip).toContain('2026-01-03 10:00 UTC')
    expect(tooltip).toContain('pass rate 2/3 passed (67%)')
    expect(tooltip).toContain('cost $0.70')
    expect(await texts('#trend-legend .legend-item')).toEqual(['e2e (3 runs)', 'llm-judge (2 runs)'])
  })

  it('shows the newest run in the case table', async () => {
    expect(await page.inputValue('#run-select')).toBe(fx.files.e2eNew)
    const summary = await page.textContent('#run-summary')
    expect(summary).toContain('2/3 passed (67%)')
    expect(summary).toContain('cost $0.70')
    expect(await column(1)).toEqual(['fixes paginate', 'adds a flag', 'writes docs', 'slow case'])
    expect(await column(3)).toEqual(['FAIL', 'PASS', 'PASS', 'SKIP'])
    expect(await texts('#case-table tbody tr:first-child td')).toEqual([
      'fixes paginate',
      'paginate',
      'FAIL',
      '0.25',
      '$0.41',
      '5',
      '1m01s',
      'error_max_turns (budget stop: maxTurns)',
    ])
  })

  it('sorts by a clicked header, and reverses on a second click', async () => {
    await page.click('#case-table th[data-sort="cost_usd"] button')
    expect(await column(1)).toEqual(['writes docs', 'adds a flag', 'fixes paginate', 'slow case'])
    expect(await page.getAttribute('#case-table th[data-sort="cost_usd"]', 'aria-sort')).toBe('ascending')
    await page.click('#case-table th[data-sort="cost_usd"] button')
    expect(await column(5)).toEqual(['$0.41', '$0.25', '$0.04', ''])
    await page.click('#case-table th[data-sort="name"] button')
    expect(await column(1)).toEqual(['adds a flag', 'fixes paginate', 'slow case', 'writes docs'])
  })

  it('filters rows by the text in the filter box', async () => {
    await page.fill('#case-filter', 'PAGIN')
    expect(await column(1)).toEqual(['fixes paginate'])
    expect(await page.textContent('#case-count')).toBe('Showing 1 of 4 cases')
    await page.fill('#case-filter', '')
    expect(await column(1)).toHaveLength(4)
  })

  it('switches runs with the selector and with a click on a chart point', async () => {
    await page.selectOption('#run-select', fx.files.judgeOld)
    expect(await column(1)).toEqual(['review tone'])
    expect(await page.textContent('#run-summary')).toContain('0/1 passed (0%)')
    await page.click(`#chart-pass-rate circle[data-run="${fx.files.e2eMid}"]`)
    expect(await page.inputValue('#run-select')).toBe(fx.files.e2eMid)
    expect(await column(1)).toEqual(['adds a flag', 'fixes paginate', 'writes docs'])
  })

  it('opens with the newest run and its previous run side by side', async () => {
    await page.goto(url)
    expect(await page.getAttribute('#sbs-left-pane', 'data-run')).toBe(fx.files.e2eMid)
    expect(await page.getAttribute('#sbs-right-pane', 'data-run')).toBe(fx.files.e2eNew)
    expect(await page.inputValue('#sbs-case')).toBe(PAGINATE)
    expect((await texts('#sbs-commentary li')).join('\n')).toContain('fixes paginate')

    expect(await page.textContent('#sbs-left-pane pre.output')).toBe('All 12 tests pass.')
    expect(await page.textContent('#sbs-right-pane pre.output')).toBe(`Fixed it. ${fx.injection} Done.`)
    expect(await page.$$eval('img', (nodes) => nodes.length)).toBe(0)
    expect(await texts('#sbs-left-pane ol.tool-calls li')).toEqual([
      'Read(src/paginate.js)',
      'Edit(src/paginate.js)',
      'Bash(npm test)',
    ])
    expect(await texts('#sbs-right-pane ol.tool-calls li')).toEqual([
      'Grep(slice()',
      'Edit(src/paginate.js)',
      'Bash(npm test -- --run)',
      'Write(NOTES.md)',
    ])
    expect(await texts('#sbs-right-pane .diff-add')).toEqual([
      '+  return items.slice(page * size - 1, page * size + size)',
    ])
    expect(await texts('#sbs-right-pane .diff-del')).toEqual([
      '-  return items.slice(page * size, page * size + size + 1)',
    ])
    expect(await texts('#sbs-right-pane .diff-hunk')).toEqual(['@@ -1,3 +1,3 @@'])
    expect(await texts('#sbs-right-pane .grades td.explanation')).toEqual([
      '3/12 tests passed; 9 failed',
      'output mentions "Fixed"',
    ]) // The case ran in docker before and on the host now: both panes say where, the right one flags it.
    expect(await texts('#sbs-right-pane .sandbox-change')).toEqual([
      'Sandbox changed: docker (evalbox-base:bookworm-1) → local. The outcome may come from the sandbox, not the agent.',
    ])
    expect(await texts('#sbs-left-pane .sandbox-change')).toEqual([])
  })

  it('opens a clicked row against its previous run, noting kept files that are gone', async () => {
    await page.selectOption('#run-select', fx.files.e2eMid)
    await page.click(`#case-table tbody tr[data-key="${PAGINATE}"]`)
    expect(await page.getAttribute('#sbs-right-pane', 'data-run')).toBe(fx.files.e2eMid)
    expect(await page.getAttribute('#sbs-left-pane', 'data-run')).toBe(fx.files.e2eOld)
    expect(await texts('#sbs-left-pane ul.notes li')).toEqual([
      'The transcript file runs/r-old/fixes-paginate/transcript.ndjson is missing.',
      'The patch file runs/r-old/fixes-paginate/patch.diff is missing.',
    ])
    await page.selectOption('#sbs-case', 'suite › writes docs')
    expect(await page.textContent('#sbs-left-pane .note')).toBe('This case is not in this run.')
  })

  it('opens a clicked row against the previous whole run, never a shard of a later run', async () => {
    await page.goto(shardUrl)
    await page.click('#case-table tbody tr[data-key="suite › adds a flag"]')
    expect(await page.getAttribute('#sbs-right-pane', 'data-run')).toBe(sharded.newest)
    expect(await page.getAttribute('#sbs-left-pane', 'data-run')).toBe(sharded.whole)
    expect(await page.inputValue('#sbs-case')).toBe('suite › adds a flag')
    await page.selectOption('#run-select', sharded.shard)
    await page.click('#case-table tbody tr[data-key="suite › fixes paginate"]')
    expect(await page.getAttribute('#sbs-right-pane', 'data-run')).toBe(sharded.shard)
    expect(await page.getAttribute('#sbs-left-pane', 'data-run')).toBe(sharded.whole)
  })

  it('says which cases of the compared pair had their details left out for the budget', async () => {
    await page.goto(budgetUrl)
    expect(await page.textContent('#sbs-right-pane pre.output')).toBe(`Fixed it. ${fx.injection} Done.`)
    expect(await page.textContent('#run-note')).toBe(
      "Case details of 3 of this run's 4 cases were left out to keep the page small; the case the page opens on, changed and failing cases come first.",
    )
    await page.selectOption('#sbs-case', 'suite › adds a flag')
    expect(await texts('#sbs-right-pane .detail-omitted')).toEqual([
      'Details of this case were left out to keep the page small: the case the page opens on, then changed and failing cases, come first.',
    ])
    expect(await page.$('#sbs-right-pane pre.output')).toBeNull()
  })

  it('marks outputs and patches cut to the size limit as truncated', async () => {
    await page.goto(smallUrl)
    const bytes = Buffer.byteLength(`Fixed it. ${fx.injection} Done.`)
    const patchBytes = statSync(join(fx.dir, 'runs/r-new/fixes-paginate/patch.diff')).size
    expect(await texts('#sbs-right-pane .truncated')).toEqual([
      `truncated: showing the first 40 B of ${bytes} B`,
      `truncated: showing the first 40 B of ${patchBytes} B`,
    ])
    expect(await page.textContent('#sbs-right-pane pre.diff')).toBe(
      'diff --git a/src/paginate.js b/src/pagin',
    )
  })

  it('kept the planted markup as text: no img, no dialog, no errors, no requests', async () => {
    expect(await page.$$eval('img', (nodes) => nodes.length)).toBe(0)
    expect(problems).toEqual([])
    expect(requests.filter((r) => r !== url && r !== smallUrl && r !== budgetUrl && r !== shardUrl)).toEqual(
      [],
    )
  })

  it('takes a screenshot', async () => {
    await page.goto(url)
    const shot = join(work, 'report.png')
    await page.screenshot({ path: shot, fullPage: true })
    expect(statSync(shot).size).toBeGreaterThan(10_000)
    expect(readFileSync(shot).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true)
    if (process.env.EVALBOX_UPDATE_SCREENSHOT === '1') {
      copyFileSync(shot, fileURLToPath(new URL('../../../docs/report-screenshot.png', import.meta.url)))
    }
  })
})
