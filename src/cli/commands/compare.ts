import { dirname } from 'node:path'
import { commentary } from '../../compare/commentary.ts'
import { compareRuns } from '../../compare/compare-runs.ts'
import { EvalboxError } from '../../core/errors.ts'
import { baselineNote, filterNote } from '../../render/baseline-note.ts'
import { formatTime } from '../../render/format.ts'
import { renderComparison } from '../../render/terminal/comparison.ts'
import { type Baseline, findBaseline } from '../../store/baseline.ts'
import { listRuns, loadRunFile } from '../../store/read-results.ts'
import type { RunFile } from '../../store/schema.ts'
import {
  type CliIo,
  displayPath,
  resolveRunPath,
  resultsDir,
  usageError,
  useColor,
  warnTo,
} from '../context.ts'
import { type CommandFlags, parseCommand } from '../parse.ts'

interface Pair {
  /** Both files named: the earlier one, as it is. */
  beforePath?: string
  /** One file or none: each case against the last run that ran it. */
  baseline?: Baseline
  afterPath: string
  after: RunFile
}

/** With no files: the newest finalized run (of `--tier`) and the run before it. */
function newestPair(io: CliIo, flags: CommandFlags): Pair {
  const dir = resultsDir(io, flags.dir)
  const runs = listRuns(dir, { warn: warnTo(io) })
  const latest = runs.find((run) => !run.partial && (!flags.tier || run.tier === flags.tier))
  if (!latest) {
    const what = flags.tier ? `finalized ${flags.tier} runs` : 'finalized runs'
    throw new EvalboxError(
      'NO_RESULTS',
      `No ${what} in ${dir}. Run the evals first, or point --dir or EVALBOX_DIR at the results directory.`,
    )
  }
  const after = loadRunFile(latest.path, { warn: warnTo(io), slim: true })
  const baseline = findBaseline(runs, after, { exclude: [latest.path], warn: warnTo(io) })
  return { afterPath: latest.path, after, ...(baseline && { baseline }) }
}

/** With one file: that run and the runs before it, looked up in `--dir` or the file's folder. */
function previousPair(io: CliIo, flags: CommandFlags, file: string): Pair {
  const afterPath = resolveRunPath(io, file, resultsDir(io, flags.dir))
  const after = loadRunFile(afterPath, { warn: warnTo(io), slim: true })
  const dir = flags.dir ? resultsDir(io, flags.dir) : dirname(afterPath)
  const runs = listRuns(dir, { warn: warnTo(io) })
  const baseline = findBaseline(runs, after, { exclude: [afterPath], warn: warnTo(io) })
  return { afterPath, after, ...(baseline && { baseline }) }
}

/**
 * `evalbox compare [before] [after] [--dir D] [--tier T] [--json]`: what changed between two
 * runs. With one file or none, each case of the run is compared with the last run that ran
 * it. Informational: returns 0 whatever changed.
 */
export function compareCommand(args: string[], io: CliIo): number {
  const { flags, positionals } = parseCommand('compare', args, ['dir', 'tier', 'json', 'all'])
  if (positionals.length > 2)
    throw usageError(`evalbox compare takes at most two files, got ${positionals.length}.`)

  let pair: Pair
  if (positionals.length === 2) {
    const dir = resultsDir(io, flags.dir)
    const beforePath = resolveRunPath(io, positionals[0]!, dir)
    const afterPath = resolveRunPath(io, positionals[1]!, dir)
    pair = { beforePath, afterPath, after: loadRunFile(afterPath, { warn: warnTo(io), slim: true }) }
  } else {
    pair = positionals.length === 1 ? previousPair(io, flags, positionals[0]!) : newestPair(io, flags)
  }

  const { after, afterPath, baseline } = pair
  const beforePath = pair.beforePath ?? baseline?.path
  const title = `Run: ${displayPath(io, afterPath)} (${after.branch} @ ${formatTime(after.timestamp)})`
  if (!beforePath) {
    if (flags.json) io.stdout.write('null\n')
    else
      io.stdout.write(
        `${title}\nNo earlier finalized ${after.tier} run to compare with; this is the first.\n`,
      )
    return 0
  }
  const before = baseline?.run ?? loadRunFile(beforePath, { warn: warnTo(io), slim: true })
  const comparison = compareRuns(before, after, { beforeFile: beforePath, afterFile: afterPath })
  if (flags.json) {
    const sources = baseline && { baseline: { runs: baseline.sources, cases: baseline.caseSources } }
    io.stdout.write(
      `${JSON.stringify({ ...comparison, commentary: commentary(comparison), ...sources }, null, 2)}\n`,
    )
    return 0
  }
  const notes = [filterNote(after, baseline?.suiteCases), baseline && baselineNote(baseline)].filter(Boolean)
  io.stdout.write(
    `${[title, ...notes].join('\n')}\n${renderComparison(comparison, {
      color: useColor(io, io.stdout),
      ...(flags.all && { maxRows: Number.POSITIVE_INFINITY }),
    })}\n`,
  )
  return 0
}
