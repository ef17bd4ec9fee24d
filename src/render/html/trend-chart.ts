import type { ChartLayout, ChartPoint, ChartTick, ReportRun } from './types.ts'

const WIDTH = 560
const HEIGHT = 240
const PLOT = { left: 56, top: 16, right: WIDTH - 16, bottom: HEIGHT - 32 }
const MAX_X_TICKS = 6
/** Colour-blind-safe (Okabe–Ito), in tier-name order. */
const COLORS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000']

/** Step and top of a value axis from 0 to at least `max`: 1, 2 or 5 times a power of ten. */
export function niceScale(max: number, ticks = 4): { step: number; top: number } {
  if (!(max > 0)) return { step: 1, top: 1 }
  const rough = max / ticks
  const power = 10 ** Math.floor(Math.log10(rough))
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power
  return { step, top: Math.ceil(max / step - 1e-9) * step }
}

function costLabel(usd: number, step: number): string {
  const decimals = Math.max(2, -Math.floor(Math.log10(step)))
  return `$${usd.toFixed(decimals)}`
}

function pointTitle(run: ReportRun): string {
  const lines = [
    run.file,
    `${run.tier} · ${run.timeText}`,
    `pass rate ${run.passRateText}`,
    `cost ${run.costText}`,
  ]
  return lines.join('\n')
}

function layout(
  id: ChartLayout['id'],
  title: string,
  runs: readonly ReportRun[],
  value: (run: ReportRun) => number | null,
  top: number,
  yTicks: ChartTick[],
): ChartLayout {
  // Runs are spread evenly in time order: bursts of runs stay readable, gaps do not dominate.
  const ordered = [...runs].sort((a, b) => time(a) - time(b) || (a.file < b.file ? -1 : 1))
  const slot = (PLOT.right - PLOT.left) / Math.max(ordered.length, 1)
  const xOf = (i: number) => round(PLOT.left + slot * (i + 0.5))
  const yOf = (v: number) => round(PLOT.bottom - (v / top) * (PLOT.bottom - PLOT.top))
  const tiers = [...new Set(ordered.map((r) => r.tier))].sort()
  const series = tiers.map((tier, t) => ({
    tier,
    color: COLORS[t % COLORS.length]!,
    points: [] as ChartPoint[],
  }))
  ordered.forEach((run, i) => {
    const v = value(run)
    if (v === null) return
    series[tiers.indexOf(run.tier)]!.points.push({
      x: xOf(i),
      y: yOf(v),
      run: run.file,
      title: pointTitle(run),
    })
  })
  const every = Math.max(1, Math.ceil(ordered.length / MAX_X_TICKS))
  const xTicks = ordered
    .map((run, i) => ({ at: xOf(i), label: run.timeText.slice(5, 16), i }))
    .filter(({ i }) => i % every === 0 || i === ordered.length - 1)
    .map(({ at, label }) => ({ at, label }))
  return {
    id,
    title,
    width: WIDTH,
    height: HEIGHT,
    plot: { ...PLOT },
    yTicks: yTicks.map((tick) => ({ at: yOf(tick.at), label: tick.label })),
    xTicks,
    series,
  }
}

function time(run: ReportRun): number {
  const ms = Date.parse(run.timestamp)
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms
}

function round(n: number): number {
  return Math.round(n * 10) / 10
}

/** `' (full runs only: 1 filtered, 2 partial left out)'`, or `''` when every run counts. */
function leftOut(runs: readonly ReportRun[]): string {
  const filtered = runs.filter((r) => r.filter !== null).length
  const partial = runs.filter((r) => r.filter === null && r.partial).length
  const parts = [...(filtered ? [`${filtered} filtered`] : []), ...(partial ? [`${partial} partial`] : [])]
  return parts.length > 0 ? ` (full runs only: ${parts.join(', ')} left out)` : ''
}

/**
 * The two trend charts of a report, pass rate (0–100%) and total cost per run, with one
 * series per tier and one point per run (a run where nothing finished has no pass-rate
 * point). Only comparable runs count: a filtered run (`-t`, file filters) or one that did
 * not finish covers part of the suite, so it is left out of both, and the titles say so. Pure.
 */
export function trendCharts(all: readonly ReportRun[]): [ChartLayout, ChartLayout] {
  const runs = all.filter((r) => r.filter === null && !r.partial)
  const note = leftOut(all)
  const passTicks = [0, 0.25, 0.5, 0.75, 1].map((at) => ({ at, label: `${Math.round(at * 100)}%` }))
  const pass = layout('pass-rate', `Pass rate${note}`, runs, (r) => r.passRate, 1, passTicks)
  const { step, top } = niceScale(Math.max(0, ...runs.map((r) => r.cost_usd)))
  const costTicks: ChartTick[] = []
  for (let i = 0; i * step <= top + step / 2; i++)
    costTicks.push({ at: i * step, label: costLabel(i * step, step) })
  const cost = layout('cost', `Cost per run${note}`, runs, (r) => r.cost_usd, top, costTicks)
  return [pass, cost]
}
