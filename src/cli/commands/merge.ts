import { mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { runFileName } from '../../store/file-name.ts'
import { mergeRuns, missingShards } from '../../store/merge.ts'
import { copyCaseFiles } from '../../store/merge-files.ts'
import { loadRunFile } from '../../store/read-results.ts'
import { writeFileAtomic } from '../../store/run-file.ts'
import { type CliIo, displayPath, resolveRunPath, resultsDir, usageError } from '../context.ts'
import { parseCommand } from '../parse.ts'

/**
 * `evalbox merge <files...> [--out F | --dir D] [--force]`: merges the run files of shards
 * into one run file, named like any other, so that list, compare and gate treat it as one run,
 * and copies each shard's case files (run dirs, found beside its run file) next to it, so the
 * report and `show` of the merged run find them.
 */
export function mergeCommand(args: string[], io: CliIo): number {
  const { flags, positionals } = parseCommand('merge', args, ['dir', 'out', 'force'])
  if (positionals.length === 0) throw usageError('evalbox merge needs the run files of the shards.')
  if (flags.out !== undefined && flags.dir !== undefined)
    throw usageError('evalbox merge: pass --out or --dir, not both.')

  const dir = resultsDir(io, flags.dir)
  const paths = positionals.map((file) => resolveRunPath(io, file, dir))
  const runs = paths.map((path) => loadRunFile(path))
  const merged = mergeRuns(runs, { names: paths.map((p) => displayPath(io, p)), force: flags.force === true })

  const out =
    flags.out !== undefined
      ? resolve(io.cwd, flags.out)
      : join(
          dir,
          runFileName({
            version: merged.version,
            branch: merged.branch,
            tier: merged.tier,
            timestamp: new Date(merged.timestamp),
          }),
        )
  if (paths.includes(out)) {
    throw usageError(
      `evalbox merge: the merged file would overwrite its input ${displayPath(io, out)}. Keep the shard files in their own folder, or pass --out or --dir.`,
    )
  }
  mkdirSync(dirname(out), { recursive: true })
  // The case files first: a merged file is never there without the files it names.
  const sources = runs.map((run, i) => ({ run, dir: dirname(paths[i]!), name: displayPath(io, paths[i]!) }))
  for (const problem of copyCaseFiles(sources, dirname(out))) io.stderr.write(`warning: ${problem}\n`)
  writeFileAtomic(out, `${JSON.stringify(merged, null, 2)}\n`)

  const missing = missingShards(runs)
  if (missing.length > 0) {
    io.stderr.write(
      `warning: shard${missing.length === 1 ? '' : 's'} ${missing.join(', ')} not given; the merged run covers only part of the evals.\n`,
    )
  }
  const partial = merged._partial ? ' (partial: a shard did not finish)' : ''
  io.stdout.write(
    `Merged ${runs.length} file${runs.length === 1 ? '' : 's'} (${merged.tier}: ${merged.passed}/${merged.total_tests} passed${partial}) into ${displayPath(io, out)}\n`,
  )
  return 0
}
