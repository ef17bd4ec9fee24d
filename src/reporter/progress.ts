import { formatCost, truncate } from '../render/format.ts'

/** Where a run stands, for the live progress line. */
export interface ProgressSnapshot {
  /** Cases with a result (passed, failed or skipped while running). */
  done: number
  failed: number
  running: number
  /** Collected cases not started yet. */
  queued: number
  /** Eval files not collected yet (their cases are not counted anywhere yet). */
  loading: number
  /** Spend of the finished cases. */
  costUsd: number
}

/**
 * Counts a run's cases from Vitest's reporter hooks: files announced at the start, cases
 * collected per file, cases started, cases finished with their cost. Cases are tracked by id,
 * so a hook seen twice counts once.
 */
export class ProgressCounter {
  private loading = 0
  private readonly expected = new Set<string>()
  private readonly started = new Set<string>()
  private readonly finished = new Set<string>()
  private failed = 0
  private costUsd = 0

  /** A run starts with `files` eval files to collect. */
  start(files: number): void {
    this.loading = files
    this.expected.clear()
    this.started.clear()
    this.finished.clear()
    this.failed = 0
    this.costUsd = 0
  }

  /** A file was collected; `ids` are its cases that will run (not skipped or todo). */
  collected(ids: Iterable<string>): void {
    this.loading = Math.max(0, this.loading - 1)
    for (const id of ids) this.expected.add(id)
  }

  /** A case started. */
  ready(id: string): void {
    this.started.add(id)
  }

  /** A case finished. */
  result(id: string, outcome: { failed: boolean; costUsd: number }): void {
    if (this.finished.has(id)) return
    this.finished.add(id)
    if (outcome.failed) this.failed++
    if (Number.isFinite(outcome.costUsd)) this.costUsd += outcome.costUsd
  }

  snapshot(): ProgressSnapshot {
    let running = 0
    for (const id of this.started) if (!this.finished.has(id)) running++
    let queued = 0
    for (const id of this.expected) if (!this.started.has(id) && !this.finished.has(id)) queued++
    const { finished, failed, loading, costUsd } = this
    return { done: finished.size, failed, running, queued, loading, costUsd }
  }
}

/** Nothing left to wait for: every collected case finished and no file is still loading. */
export function isIdle(s: ProgressSnapshot): boolean {
  return s.running === 0 && s.queued === 0 && s.loading === 0
}

/**
 * The progress line: `evals: 12 done (1 failed), 3 running, 40 queued, $0.42 spent`, plus
 * the files still loading; cut to `columns - 1` characters so it never wraps (79 when the
 * terminal reports no usable width). Pure.
 */
export function progressText(s: ProgressSnapshot, columns: number | undefined = 80): string {
  const parts = [
    `${s.done} done${s.failed > 0 ? ` (${s.failed} failed)` : ''}`,
    `${s.running} running`,
    `${s.queued} queued`,
  ]
  if (s.loading > 0) parts.push(`${s.loading} file${s.loading === 1 ? '' : 's'} loading`)
  parts.push(`${formatCost(s.costUsd)} spent`)
  // A terminal that reports no width (0 or undefined) still gets a readable line.
  const width = columns !== undefined && columns >= 20 ? columns - 1 : 79
  return truncate(`evals: ${parts.join(', ')}`, width)
}
