/**
 * The data behind `evalbox report`: plain JSON, built from the results directory by
 * `buildReport` and embedded whole in the HTML page that `renderReportHtml` writes.
 * Display strings are formatted here, so the page only places text.
 */

/** How a case ended in one run, as the table shows it. */
export type CaseStatus = 'PASS' | 'FAIL' | 'SKIP' | 'TODO' | 'NOT RUN'

/** Text read from a result or a kept file, cut to the report's size limit. */
export interface TextBlock {
  text: string
  /** True when `text` is only the start of the original. */
  truncated: boolean
  /** Size of the original in bytes (UTF-8). */
  bytes: number
}

/** A grade as the side-by-side view shows it. */
export interface ReportGrade {
  name: string
  /** 0..1, or null when the grader could not grade. */
  score: number | null
  pass: boolean
  explanation: string
}

/** The agent's tool calls, from the case's transcript. */
export interface ToolCallList {
  /** One short label per call, in order: `Bash(npm test)`, `Edit(src/a.ts)`. */
  calls: string[]
  /** Calls left out after the report's limit. */
  omitted: number
  /** Where the calls came from: a kept file's path, or `inline transcript`. */
  source: string
}

/** What the side-by-side view shows for one case in one run. */
export interface CaseDetail {
  output: TextBlock | null
  /** The test's error, when it failed with one. */
  error: TextBlock | null
  grades: ReportGrade[]
  toolCalls: ToolCallList | null
  /** The agent's workspace diff. */
  patch: TextBlock | null
  /** Why something is absent (a missing file, no transcript kept). */
  notes: string[]
}

/** One row of the case table. */
export interface ReportCase {
  /** `suite › name` (`#2` appended to repeats of the same suite and name), stable across runs. */
  key: string
  name: string
  suite: string
  status: CaseStatus
  score: number | null
  /** `0.85`, `unscored`, or `''` when the test has no score. */
  scoreText: string
  cost_usd: number | null
  costText: string
  turns: number | null
  duration_ms: number | null
  durationText: string
  /** The exit reason, with the budget tag when a budget stopped the agent (`error_max_turns (budget stop: maxTurns)`). */
  exitReason: string
  /** Why a failing case failed, root cause first (the entry's headline). */
  headline?: string
  /** Where the agent ran: `docker (evalbox-base:bookworm-1)`, `local`. */
  sandbox?: string
  /** Why a case did not run, when it did not. */
  reason?: string
  /** For a repeat of a case that ran more than once: the case over all its repeats (pass rate, pass@k, pass^k, score). */
  statsText?: string
  /**
   * Absent when left out to keep the page within its detail budget: for this case only, or
   * for the whole run (see {@link ReportRun.detailsOmitted}).
   */
  detail?: CaseDetail
}

/** One run file in the report. */
export interface ReportRun {
  /** The run file's name within the results directory; unique within a report. */
  file: string
  tier: string
  branch: string
  version: string
  git_sha: string
  timestamp: string
  /** `2026-01-02 10:00 UTC`. */
  timeText: string
  partial: boolean
  /**
   * How the run was narrowed to part of the suite (`-t 'Japan'`, `files capitals`), or null
   * for a full run. Filtered and partial runs are left out of the trend charts.
   */
  filter: string | null
  passed: number
  failed: number
  /** Tests that ran to an outcome. */
  total: number
  skipped: number
  /** passed / total, or null when nothing ran. */
  passRate: number | null
  /** `2/3 passed (67%)`. */
  passRateText: string
  /** The run's statistics (`pass rate 80% (95% CI 49–94%), …`); `''` when it has no repeats and few tests. */
  statsText: string
  cost_usd: number
  costText: string
  cases: ReportCase[]
  /** True when no case details of this run were embedded, to keep the page within its size budget. */
  detailsOmitted: boolean
  /**
   * The run a click on one of this run's cases opens beside it: its previous finalized,
   * unsharded run file of the same tier among the runs in the page (same branch preferred);
   * null when there is none.
   */
  previous: string | null
}

/** The two runs the side-by-side view opens with, and what changed between them. */
export interface ReportComparison {
  /** The earlier run's file, or null when the later run has no predecessor. */
  before: string | null
  after: string
  /** The case shown first: the first regression, else the first failure, else the first case. */
  caseKey: string | null
  /** Plain-language takeaways (see `commentary` in src/compare). */
  commentary: string[]
}

/** Everything the report page shows. */
export interface ReportData {
  /** The results directory, absolute. */
  dir: string
  /** ISO time the report was built. */
  generatedAt: string
  /** The tier the report was limited to, if any. */
  tier: string | null
  /** Runs, newest first. */
  runs: ReportRun[]
  /** The run the case table opens with (the newest). */
  selected: string | null
  comparison: ReportComparison | null
  /** Problems met while building (unreadable run files); shown at the top of the page. */
  warnings: string[]
  /** Per-field cap on embedded outputs and patches, in bytes. */
  maxTextBytes: number
}

/** One run's point in a trend chart; `title` is its tooltip. */
export interface ChartPoint {
  x: number
  y: number
  /** The run's file, so a click can select it. */
  run: string
  title: string
}

/** The runs of one tier, oldest first. */
export interface ChartSeries {
  tier: string
  color: string
  points: ChartPoint[]
}

/** An axis label at a position (x for the time axis, y for the value axis). */
export interface ChartTick {
  at: number
  label: string
}

/** A trend chart laid out in SVG user units; the page only draws it. */
export interface ChartLayout {
  id: 'pass-rate' | 'cost'
  title: string
  width: number
  height: number
  plot: { left: number; top: number; right: number; bottom: number }
  yTicks: ChartTick[]
  xTicks: ChartTick[]
  series: ChartSeries[]
}

/** What the page script reads from the embedded JSON block. */
export interface ReportModel {
  data: ReportData
  charts: ChartLayout[]
}

/** The id of the `<script type="application/json">` block holding the {@link ReportModel}. */
export const DATA_ELEMENT_ID = 'evalbox-report-data'
