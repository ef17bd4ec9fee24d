import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { runContextBench } from '../../graders/file-backed-context/bench.ts'
import { renderBenchSummary } from '../../graders/file-backed-context/render-summary.ts'
import { type CliIo, displayPath, resultsDir, usageError } from '../context.ts'
import { parseStrict } from '../parse.ts'

/** The fixture folder used when none is named, relative to the cwd. */
export const DEFAULT_CONTEXT_FIXTURES = join('examples', 'file-backed-context', 'fixtures')

const OPTIONS = {
  out: { type: 'string' },
  'no-artifacts': { type: 'boolean' },
  ablation: { type: 'boolean' },
  'no-ablation': { type: 'boolean' },
  budget: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

function parse(args: string[]) {
  return parseStrict('context-bench', args, OPTIONS)
}

function parseBudget(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const budget = Number(text)
  if (!Number.isInteger(budget) || budget < 1) {
    throw usageError(
      `evalbox context-bench: --budget must be a whole number of tokens, got "${text}" (try 8000).`,
    )
  }
  return budget
}

function fixtureDir(io: CliIo, given: string | undefined): string {
  const dir = resolve(io.cwd, given ?? DEFAULT_CONTEXT_FIXTURES)
  if (existsSync(dir)) return dir
  throw usageError(
    given === undefined
      ? `evalbox context-bench: no fixture folder given, and ${DEFAULT_CONTEXT_FIXTURES} is not in ${io.cwd}. Pass the folder of fixture JSON files.`
      : `evalbox context-bench: fixture folder not found: ${dir}.`,
  )
}

/**
 * `evalbox context-bench [fixtureDir] [--out D] [--no-artifacts | --ablation | --no-ablation]
 * [--budget N] [--json]`: runs the file-backed-context bench and writes its report files.
 * Exits 1 when a hidden detail is not recovered with artifacts on.
 */
export async function contextBenchCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args)
  if (positionals.length > 1) {
    throw usageError(`evalbox context-bench takes one fixture folder, got ${positionals.length}.`)
  }
  const noArtifacts = values['no-artifacts'] === true
  if (noArtifacts && values.ablation === true) {
    throw usageError(
      'evalbox context-bench: --ablation runs both modes; pass it or --no-artifacts, not both.',
    )
  }
  if (values.ablation === true && values['no-ablation'] === true) {
    throw usageError('evalbox context-bench: pass --ablation or --no-ablation, not both.')
  }
  const dir = fixtureDir(io, positionals[0])
  const outDir =
    values.out === undefined ? join(resultsDir(io, undefined), 'context-bench') : resolve(io.cwd, values.out)
  const { report, files } = await runContextBench(dir, {
    outDir,
    artifacts: !noArtifacts,
    ablation: values['no-ablation'] !== true,
    inlineBudgetTokens: parseBudget(values.budget),
  })
  const failed = report.artifacts && report.results.some((result) => !result.answerCorrect)
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ files, report }, null, 2)}\n`)
  } else {
    const written = files.map((file) => `  ${displayPath(io, file)}`).join('\n')
    io.stdout.write(`${renderBenchSummary(report)}\nWrote:\n${written}\n`)
  }
  return failed ? 1 : 0
}
