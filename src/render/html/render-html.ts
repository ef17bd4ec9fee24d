import { createHash } from 'node:crypto'
import { jsonForScript } from './embed-json.ts'
import { PAGE_SHELL } from './page-shell.ts'
import { PAGE_STYLE } from './page-style.ts'
import { trendCharts } from './trend-chart.ts'
import { DATA_ELEMENT_ID, type ReportData, type ReportModel } from './types.ts'

export { DATA_ELEMENT_ID, type ReportModel } from './types.ts'

// The page script (src/render/html/client/, bundled by bundle-client.ts): tsup inlines it into the
// package at build time, vitest.config.ts when tests import src/ directly.
declare const __EVALBOX_PAGE_SCRIPT__: string | undefined

/** The page script, one IIFE that runs on load. */
export function pageScript(): string {
  if (typeof __EVALBOX_PAGE_SCRIPT__ === 'string') return __EVALBOX_PAGE_SCRIPT__
  // Only a setup of this repository can get here; the built package always has the script.
  throw new Error(
    'The report page script was not bundled in: build with tsup, or run src/ under a Vitest project of vitest.config.ts that defines __EVALBOX_PAGE_SCRIPT__ (see src/render/html/bundle-client.ts).',
  )
}

/**
 * The report as one self-contained HTML page: inline CSS, inline script, the data as an
 * escaped JSON block, and a Content-Security-Policy that allows no requests at all and only
 * this page's own script (by hash), so it works from `file://` and text in outputs cannot
 * load or run anything. Pure.
 */
export function renderReportHtml(data: ReportData): string {
  const model: ReportModel = { data, charts: trendCharts(data.runs) }
  const script = pageScript()
  const hash = createHash('sha256').update(script).digest('base64')
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
<script>${script}</script>
</body>
</html>
`
}
