import { relative } from 'node:path'
import { compareRuns } from '../compare/index.ts'
import type { Comparison } from '../compare/types.ts'
import { errorMessage } from '../core/errors.ts'
import { renderComparison } from '../render/terminal/comparison.ts'
import { renderSummary } from '../render/terminal/summary.ts'
import { listRuns, loadRunFile, pickPreviousRun } from '../store/read-results.ts'
import type { WrittenRun } from '../store/run-writer.ts'
import type { RunFile } from '../store/schema.ts'
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
    if (end.compare) out.push(`\n${compareTier(end, tier, before)}`)
    if (end.gate) {
      tier.gate = runGate(tier.run, end.gate, {
        root: end.root,
        ...(end.shard && { shard: end.shard }),
        ...(before && { previous: before }),
      })
      out.push(`\n${tier.gate.text}`)
    }
  }
  return { text: out.join('\n'), tiers }
}

interface Previous {
  path: string
  run: RunFile
}

/**
 * The previous finalized run of the tier, loaded once for the comparison and the gate. An
 * invalid entry in it is skipped with a warning; a file that cannot be read at all is passed
 * over for the next older run.
 */
function previous(end: RunEnd, { tier, path, run }: TierEnd): Previous | undefined {
  if (end.shard) return undefined
  let runs: ReturnType<typeof listRuns>
  try {
    runs = listRuns(end.resultsDir, { warn: end.warn })
  } catch (error) {
    end.warn(`could not look for the previous run: ${errorMessage(error)}`)
    return undefined
  }
  const exclude = [path]
  for (;;) {
    const candidate = pickPreviousRun(runs, {
      tier,
      branch: run.branch,
      exclude,
      olderThan: run.timestamp,
    })
    if (!candidate) return undefined
    try {
      return { path: candidate.path, run: loadRunFile(candidate.path, { warn: end.warn }) }
    } catch (error) {
      end.warn(`passed over ${candidate.file} as the previous run: ${errorMessage(error)}`)
      exclude.push(candidate.path)
    }
  }
}

function compareTier(end: RunEnd, tier: TierEnd, before: Previous | undefined): string {
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
    return renderComparison(tier.comparison)
  } catch (error) {
    return `evalbox: could not compare with the previous run: ${errorMessage(error)}`
  }
}
