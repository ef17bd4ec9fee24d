import { createHash } from 'node:crypto'
import { BOOT_SCRIPT } from './client/boot.ts'
import { CASE_TABLE_SCRIPT } from './client/case-table.ts'
import { CHARTS_SCRIPT } from './client/charts.ts'
import { DOM_SCRIPT } from './client/dom.ts'
import { SIDE_BY_SIDE_SCRIPT } from './client/side-by-side.ts'
import { jsonForScript } from './embed-json.ts'
import { PAGE_SHELL } from './page-shell.ts'
import { PAGE_STYLE } from './page-style.ts'
import { type ChartLayout, trendCharts } from './trend-chart.ts'
import type { ReportData } from './types.ts'

/** What the page script reads from the embedded JSON block. */
export interface ReportModel {
  data: ReportData
  charts: ChartLayout[]
}

/** The page script: helpers first, boot last (it runs on load). */
export const PAGE_SCRIPT = `(function () {
'use strict';
${DOM_SCRIPT}${CHARTS_SCRIPT}${CASE_TABLE_SCRIPT}${SIDE_BY_SIDE_SCRIPT}${BOOT_SCRIPT}})();
`

/** The id of the `<script type="application/json">` block holding the {@link ReportModel}. */
export const DATA_ELEMENT_ID = 'evalbox-report-data'

/**
 * The report as one self-contained HTML page: inline CSS, inline script, the data as an
 * escaped JSON block, and a Content-Security-Policy that allows no requests at all and only
 * this page's own script (by hash), so it works from `file://` and text in outputs cannot
 * load or run anything. Pure.
 */
export function renderReportHtml(data: ReportData): string {
  const model: ReportModel = { data, charts: trendCharts(data.runs) }
  const hash = createHash('sha256').update(PAGE_SCRIPT).digest('base64')
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${hash}'`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="evalbox">
<title>evalbox report</title>
<link rel="icon" href="data:,">
<style>${PAGE_STYLE}</style>
</head>
<body>
${PAGE_SHELL}
<script type="application/json" id="${DATA_ELEMENT_ID}">${jsonForScript(model)}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`
}
