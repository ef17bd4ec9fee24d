import { alignColumns, formatCost, formatTime } from '../../render/format.ts'
import { listRuns } from '../../store/read-results.ts'
import { recoverInterruptedRuns } from '../../store/recover.ts'
import { type CliIo, displayPath, resultsDir, usageError, warnTo } from '../context.ts'
import { parseCommand } from '../parse.ts'

/** `evalbox list [--dir D] [--tier T] [--json]`: the saved runs, newest first. */
export function listCommand(args: string[], io: CliIo): number {
  const { flags, positionals } = parseCommand('list', args, ['dir', 'tier', 'json'])
  if (positionals.length > 0) throw usageError(`evalbox list takes no files, got "${positionals[0]}".`)
  const dir = resultsDir(io, flags.dir)
  // Runs that died (kill -9, a crash) become readable partial files before they are listed.
  recoverInterruptedRuns(dir, warnTo(io))
  const runs = listRuns(dir, { warn: warnTo(io) }).filter((run) => !flags.tier || run.tier === flags.tier)

  if (flags.json) {
    io.stdout.write(`${JSON.stringify(runs, null, 2)}\n`)
    return 0
  }
  if (runs.length === 0) {
    const what = flags.tier ? `no ${flags.tier} runs` : 'no runs'
    io.stdout.write(
      `${displayPath(io, dir)}: ${what}. Run your evals (npx vitest run --project evals), or point --dir or EVALBOX_DIR at the results directory.\n`,
    )
    return 0
  }
  const rows = [
    ['STARTED', 'TIER', 'BRANCH', 'VERSION', 'SHA', 'PASSED', 'COST', 'FILE'],
    ...runs.map((run) => [
      formatTime(run.timestamp),
      run.tier,
      run.branch,
      run.version,
      run.git_sha.slice(0, 7),
      `${run.passed}/${run.total}${run.skipped > 0 ? ` +${run.skipped} skipped` : ''}`,
      formatCost(run.cost_usd),
      run.partial ? `${run.file} (partial)` : run.file,
    ]),
  ]
  const count = `${runs.length} run${runs.length === 1 ? '' : 's'}`
  io.stdout.write(`Runs in ${displayPath(io, dir)} (${count}, newest first):\n`)
  for (const line of alignColumns(rows)) io.stdout.write(`  ${line}\n`)
  return 0
}
