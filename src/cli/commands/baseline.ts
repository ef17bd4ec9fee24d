import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { baselinePathFor, DEFAULT_BASELINE } from '../../compare/gate-baseline.ts'
import { EvalboxError } from '../../core/errors.ts'
import { formatTime } from '../../render/format.ts'
import { listRuns, loadRunFile } from '../../store/read-results.ts'
import { writeFileAtomic } from '../../store/run-file.ts'
import type { RunFile } from '../../store/schema.ts'
import { type CliIo, displayPath, resolveRunPath, resultsDir, usageError, warnTo } from '../context.ts'
import { type CommandFlags, parseCommand } from '../parse.ts'

function partialError(io: CliIo, path: string, run: RunFile): EvalboxError {
  const why = run.partial_reason === 'running' ? 'is still running' : 'did not finish'
  return new EvalboxError(
    'NO_RESULTS',
    `${displayPath(io, path)} is a partial run (it ${why}), so it cannot be a baseline. Bless a finalized run (see \`evalbox list\`), or re-run the evals.`,
  )
}

/** The run to bless: the named file, or the newest finalized run (of `--tier`). */
function chooseRun(io: CliIo, flags: CommandFlags, file: string | undefined): { path: string; run: RunFile } {
  const dir = resultsDir(io, flags.dir)
  if (file !== undefined) {
    const path = resolveRunPath(io, file, dir)
    const run = loadRunFile(path)
    if (run._partial) throw partialError(io, path, run)
    if (flags.tier && run.tier !== flags.tier)
      throw usageError(`evalbox baseline bless: ${file} is a "${run.tier}" run, not "${flags.tier}".`)
    return { path, run }
  }
  const runs = listRuns(dir, { warn: warnTo(io) }).filter((r) => !flags.tier || r.tier === flags.tier)
  const latest = runs.find((r) => !r.partial)
  if (!latest) {
    const partials =
      runs.length > 0 ? ` (${runs.length} partial run${runs.length === 1 ? '' : 's'} skipped)` : ''
    throw new EvalboxError(
      'NO_RESULTS',
      `No finalized ${flags.tier ? `${flags.tier} ` : ''}runs in ${dir} to bless${partials}. Run the evals to the end first, or point --dir at the results directory.`,
    )
  }
  return { path: latest.path, run: loadRunFile(latest.path) }
}

/**
 * `evalbox baseline bless [file] [--dir D] [--tier T] [--out F]`: copies a finalized run (the
 * newest of the tier by default) to the baseline file that `evalbox gate` compares with.
 */
export function baselineCommand(args: string[], io: CliIo): number {
  const { flags, positionals } = parseCommand('baseline', args, ['dir', 'tier', 'out'])
  const [sub, file, ...extra] = positionals
  if (sub !== 'bless') {
    throw usageError(
      sub === undefined
        ? 'evalbox baseline needs a subcommand: bless.'
        : `evalbox baseline: unknown subcommand "${sub}"; the subcommand is bless.`,
    )
  }
  if (extra.length > 0)
    throw usageError(`evalbox baseline bless takes one file at most, got ${extra.length + 1}.`)

  const { path, run } = chooseRun(io, flags, file)
  const out = resolve(io.cwd, baselinePathFor(flags.out ?? DEFAULT_BASELINE, run.tier))
  mkdirSync(dirname(out), { recursive: true })
  writeFileAtomic(out, `${JSON.stringify(run, null, 2)}\n`)
  const counts = `${run.passed}/${run.total_tests} passed`
  io.stdout.write(
    `Blessed ${displayPath(io, path)} (${run.tier}, ${run.branch} @ ${formatTime(run.timestamp)}, ${counts}) as the baseline: ${displayPath(io, out)}\n` +
      'Commit it; `evalbox gate` compares new runs with it.\n',
  )
  return 0
}
