/** The report page's stylesheet (inline: the page makes no requests). */
export const PAGE_STYLE = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #59636e; --bg: #fff; --panel: #f6f8fa;
  --line: #d1d9e0; --pass: #1a7f37; --fail: #cf222e; --skip: #9a6700;
  --add-bg: #dafbe1; --del-bg: #ffebe9; --hunk: #0969da; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --panel: #151b23; --line: #3d444d;
    --pass: #3fb950; --fail: #f85149; --skip: #d29922; --add-bg: #12361f; --del-bg: #4c1719; --hunk: #58a6ff; }
}
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header, main { max-width: 1400px; margin: 0 auto; padding: 0 20px; }
h1 { font-size: 22px; margin: 18px 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 0 0 4px; word-break: break-all; }
h4 { font-size: 13px; margin: 14px 0 4px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.hint, #report-meta, .meta { color: var(--muted); font-size: 13px; margin: 4px 0; }
.note { color: var(--skip); font-size: 13px; margin: 4px 0; }
.notes { margin: 4px 0; padding-left: 18px; color: var(--skip); font-size: 13px; }
.controls { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin: 8px 0; }
select, input { font: inherit; padding: 3px 6px; max-width: 100%; }
#case-filter { width: 260px; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
figure.chart { margin: 0; flex: 1 1 480px; max-width: 700px; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
figure.chart figcaption { font-weight: 600; margin-bottom: 4px; }
figure.chart svg { width: 100%; height: auto; display: block; }
.grid { stroke: var(--line); stroke-width: 1; }
.axis { stroke: var(--muted); stroke-width: 1; }
.tick-label { fill: var(--muted); font-size: 11px; }
.series { fill: none; stroke-width: 2; }
.point { cursor: pointer; stroke-width: 2; }
.point.selected { stroke: var(--fg); stroke-width: 3; }
.legend { display: flex; gap: 16px; flex-wrap: wrap; font-size: 13px; margin: 4px 0 8px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 50%; margin-right: 6px; vertical-align: -1px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th.num, td.num { text-align: right; }
th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; color: inherit; cursor: pointer; }
th[aria-sort="ascending"] button::after { content: " ▲"; }
th[aria-sort="descending"] button::after { content: " ▼"; }
#case-table tbody tr { cursor: pointer; }
#case-table tbody tr:hover { background: var(--panel); }
.status-pass { color: var(--pass); font-weight: 600; }
.status-fail { color: var(--fail); font-weight: 600; }
.status-other { color: var(--skip); font-weight: 600; }
.commentary { margin: 4px 0 8px; padding-left: 18px; }
.panes { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
@media (max-width: 900px) { .panes { grid-template-columns: 1fr; } }
.pane { min-width: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 12px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; font-size: 13px; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
pre { margin: 0; padding: 8px; background: var(--bg); border: 1px solid var(--line); border-radius: 4px;
  overflow: auto; max-height: 480px; font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre-wrap; word-break: break-word; }
pre.diff { white-space: pre; }
pre.diff span { display: block; }
.diff-add { background: var(--add-bg); }
.diff-del { background: var(--del-bg); }
.diff-hunk { color: var(--hunk); }
.diff-meta { font-weight: 600; }
.grades { font-size: 13px; }
.grades td.explanation { white-space: pre-wrap; word-break: break-word; }
ol.tool-calls { margin: 0; padding-left: 28px; font: 12px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; max-height: 360px; overflow: auto; word-break: break-all; }
.truncated { color: var(--skip); font-size: 12px; margin: 2px 0; }
`
