import { relative, resolve } from 'node:path'
import { compareRuns } from '../compare/index.ts'
import type { Comparison } from '../compare/types.ts'
import { errorMessage } from '../core/errors.ts'
import { baselineNote, filterNote } from '../render/baseline-note.ts'
import { renderComparison } from '../render/terminal/comparison.ts'
import { renderSummary } from '../render/terminal/summary.ts'
import { type Baseline, findBaseline } from '../store/baseline.ts'
import { listRuns } from '../store/read-results.ts'
import type { WrittenRun } from '../store/run-writer.ts'
import { type GateSettings, runGate, type TierGate } from './run-gate.ts'

/** How the run ended and what to do with its files. */
export interface RunEnd {
  written: WrittenRun[]
  root: string
  resultsDir: string
  /** The run ended early (Ctrl-C, bail): nothing is compared or gated. */
  interrupted: boolean
  /** The results could not be saved (the run is reported, not compared or gated). */
  failure?: Error
  /** Compare each tier with its previous run. */
  compare: boolean
  /** `i/n` when this process ran one shard. */
  shard?: string
  gate?: GateSettings
  warn: (message: string) => void
}

/** One tier at the end of a run: its file, its comparison and its gate. */
export interface TierEnd extends WrittenRun {
  comparison?: Comparison
  /** What the run was compared with: each case's last run. */
  baseline?: Baseline
  /** Why the run was not compared (shard, interrupted...); unset for a first run. */
  notCompared?: string
  gate?: TierGate
}

/** What the reporter prints and hands to the CI outputs. */
export interface RunConclusion {
  text: string
  tiers: TierEnd[]
}

/**
 * Everything that happens once the run files are written: the summary table per tier, the
 * comparison with the previous run, and the gate. A shard is not compared with the previous
 * run (that would be a part against a whole); interrupted and unsaved runs are neither
 * compared nor gated.
 */
export function concludeRun(end: RunEnd): RunConclusion {
  // Paths outside the working directory read better absolute than as ../../../..
  const display = (path: string) => {
    const rel = relative(process.cwd(), path)
    return rel && !rel.startsWith('..') ? rel : path
  }
  const out = end.written.map(({ run, path }) =>
    renderSummary(run, { file: end.failure ? undefined : display(path) }),
  )
  const tiers: TierEnd[] = end.written.map((item) => ({ ...item }))
  const notCompared = (note: string) => {
    for (const tier of tiers) tier.notCompared = note
  }
  if (end.failure) {
    out.push(`\nevalbox: ${end.failure.message}`)
    notCompared('the results could not be saved, so the run was not compared.')
    return { text: out.join('\n'), tiers }
  }
  if (end.interrupted) {
    out.push(
      '\nevalbox: the run was interrupted; its results are saved as a partial run and not compared or gated.',
    )
    notCompared('the run was interrupted, so it was not compared.')
    return { text: out.join('\n'), tiers }
  }
  if (!end.compare) notCompared('comparison is off (`compare: false`).')
  for (const tier of tiers) {
    const before = end.compare || end.gate?.baseline === 'previous' ? previous(end, tier) : undefined
    if (before) tier.baseline = before
    const filtered = filterNote(tier.run, before?.suiteCases)
    if (filtered) out.push(`\nevalbox: ${tier.tier}: ${filtered}`)
    if (end.compare) out.push(`\n${compareTier(end, tier, before)}`)
    if (end.gate) {
      tier.gate = runGate(tier.run, end.gate, {
        root: end.root,
        ...(end.shard && { shard: end.shard }),
        ...(before && { previous: { path: before.path, run: before.run } }),
      })
      out.push(`\n${tier.gate.text}`)
    }
  }
  return { text: out.join('\n'), tiers }
}

/**
 * What the tier's run is compared with, loaded once for the comparison and the gate: each case
 * against the last finalized run that ran it (see {@link findBaseline}). An invalid entry is
 * skipped with a warning; a file that cannot be read at all is passed over.
 */
function previous(end: RunEnd, { path, run }: TierEnd): Baseline | undefined {
  if (end.shard) return undefined
  try {
    // The runs just written are in memory: listed without reading their files back.
    const known = new Map(end.written.map((written) => [resolve(written.path), written.run]))
    const runs = listRuns(end.resultsDir, { warn: end.warn, known })
    return findBaseline(runs, run, { exclude: [path], warn: end.warn })
  } catch (error) {
    end.warn(`could not look for the previous run: ${errorMessage(error)}`)
    return undefined
  }
}

function compareTier(end: RunEnd, tier: TierEnd, before: Baseline | undefined): string {
  if (end.shard) {
    tier.notCompared = `shard ${end.shard}: merge the shard files with \`evalbox merge\` to compare`
    return tier.notCompared
  }
  if (!before) return `First run of tier "${tier.tier}" here: nothing to compare with yet.`
  try {
    // The gate's alpha, so that the comparison and the gate classify repeats alike.
    const alpha = end.gate?.alpha
    tier.comparison = compareRuns(
      before.run,
      tier.run,
      { beforeFile: before.path, afterFile: tier.path },
      alpha === undefined ? {} : { alpha },
    )
    const note = baselineNote(before)
    return `${note ? `${note}\n` : ''}${renderComparison(tier.comparison)}`
  } catch (error) {
    return `evalbox: could not compare with the previous run: ${errorMessage(error)}`
  }
}
