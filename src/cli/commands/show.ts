import { dirname, isAbsolute, resolve } from 'node:path'
import { renderSummary } from '../../render/terminal/summary.ts'
import { loadRunFile } from '../../store/read-results.ts'
import type { TestEntry } from '../../store/schema.ts'
import { type CliIo, displayPath, resolveRunPath, resultsDir, usageError, useColor } from '../context.ts'
import { parseCommand } from '../parse.ts'

/** Paths kept for one test, by role, as written in the run file (relative to its directory). */
function artifactsOf(test: TestEntry): Array<[string, string]> {
  const found: Array<[string, string]> = []
  if (test.run_dir) found.push(['run dir', test.run_dir])
  for (const [role, path] of Object.entries(test.artifacts ?? {})) found.push([role, path])
  if (test.harvest?.patchPath && !found.some(([, p]) => p === test.harvest?.patchPath)) {
    found.push(['patch', test.harvest.patchPath])
  }
  return found
}

/** `evalbox show <file> [--json]`: one run's summary table and where its artifacts are. */
export function showCommand(args: string[], io: CliIo): number {
  const { flags, positionals } = parseCommand('show', args, ['dir', 'json', 'all'])
  if (positionals.length !== 1) {
    throw usageError(
      positionals.length === 0
        ? 'evalbox show needs a run file (see `evalbox list`).'
        : `evalbox show takes one file, got ${positionals.length}.`,
    )
  }
  const path = resolveRunPath(io, positionals[0]!, resultsDir(io, flags.dir))
  const run = loadRunFile(path)
  if (flags.json) {
    io.stdout.write(`${JSON.stringify(run, null, 2)}\n`)
    return 0
  }
  io.stdout.write(
    `${renderSummary(run, {
      file: displayPath(io, path),
      color: useColor(io, io.stdout),
      ...(flags.all && { maxRows: Number.POSITIVE_INFINITY }),
    })}\n`,
  )

  const base = dirname(path)
  const sections = run.tests
    .map((test) => ({ test, artifacts: artifactsOf(test) }))
    .filter(({ artifacts }) => artifacts.length > 0)
  if (sections.length > 0) {
    io.stdout.write('\nArtifacts:\n')
    for (const { test, artifacts } of sections) {
      io.stdout.write(`  ${test.name}\n`)
      for (const [role, p] of artifacts) {
        const full = isAbsolute(p) ? p : resolve(base, p)
        io.stdout.write(`    ${role}: ${displayPath(io, full)}\n`)
      }
    }
  }
  return 0
}
