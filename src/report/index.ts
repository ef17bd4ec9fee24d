/** `evalbox report`: the results directory as one self-contained HTML page. */
export { type BuildReportOptions, buildReport } from './build-report.ts'
export { DATA_ELEMENT_ID, type ReportModel, renderReportHtml } from './render-html.ts'
export { type ChartLayout, type ChartPoint, type ChartSeries, trendCharts } from './trend-chart.ts'
export type {
  CaseDetail,
  CaseStatus,
  ReportCase,
  ReportComparison,
  ReportData,
  ReportGrade,
  ReportRun,
  TextBlock,
  ToolCallList,
} from './types.ts'
