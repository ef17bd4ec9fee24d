import { DATA_ELEMENT_ID, type ReportModel, type ReportRun } from '../types.ts'
import { setupCaseTable } from './case-table.ts'
import { drawTrend, markSelectedPoints } from './charts.ts'
import { byId, el } from './dom.ts'
import { setupSideBySide } from './side-by-side.ts'

// The page script's entry: reads the embedded data and wires the sections together. Bundled
// into one IIFE (bundle-client.ts) that render-html.ts inlines.

const model = JSON.parse(byId(DATA_ELEMENT_ID).textContent ?? '') as ReportModel
const { data } = model
const runsByFile = new Map<string, ReportRun>(data.runs.map((run) => [run.file, run]))

const sideBySide = setupSideBySide(data, runsByFile)
const caseTable = setupCaseTable(data.runs, sideBySide.openCase, selectRun)

function selectRun(file: string): void {
  const run = runsByFile.get(file)
  if (!run) return
  caseTable.show(run)
  markSelectedPoints(file)
}

const scope = data.tier ? `tier ${data.tier}` : 'all tiers'
byId('report-meta').textContent =
  `${data.dir} · ${data.runs.length} runs (${scope}) · built ${data.generatedAt.replace('T', ' ').slice(0, 16)} UTC`
const warnings = byId('report-warnings')
for (const warning of data.warnings) warnings.appendChild(el('li', '', warning))
drawTrend(model.charts, (file) => {
  selectRun(file)
  byId('cases').scrollIntoView()
})
if (data.selected) selectRun(data.selected)
const cmp = data.comparison
if (cmp) sideBySide.show(cmp.before ?? '', cmp.after, cmp.caseKey ?? '')
