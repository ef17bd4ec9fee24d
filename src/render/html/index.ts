/** `evalbox report`: the results directory as one self-contained HTML page. */
export { type BuildReportOptions, buildReport } from './build-report.ts'
export { renderReportHtml } from './render-html.ts'
export { trendCharts } from './trend-chart.ts'
export {
  type CaseDetail,
  type CaseStatus,
  type ChartLayout,
  type ChartPoint,
  type ChartSeries,
  DATA_ELEMENT_ID,
  type ReportCase,
  type ReportComparison,
  type ReportData,
  type ReportGrade,
  type ReportModel,
  type ReportRun,
  type TextBlock,
  type ToolCallList,
} from './types.ts'
