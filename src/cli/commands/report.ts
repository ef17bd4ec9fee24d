import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { redactDeep } from '../../core/secrets/deep.ts'
import { createRedactor } from '../../core/secrets/redact.ts'
import { buildReport } from '../../render/html/build-report.ts'
import { renderReportHtml } from '../../render/html/render-html.ts'
import { type CliIo, displayPath, resolveRunPath, resultsDir, usageError, warnTo } from '../context.ts'
import { parseStrict } from '../parse.ts'

/** Where the report is written when `--out` is not given, relative to the cwd. */
export const DEFAULT_REPORT_FILE = 'evals-report.html'

const OPTIONS = {
  dir: { type: 'string' },
  tier: { type: 'string' },
  out: { type: 'string' },
  runs: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

function parse(args: string[]) {
  return parseStrict('report', args, OPTIONS)
}

function parseRuns(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const runs = Number(text)
  if (!Number.isInteger(runs) || runs < 1) {
    throw usageError(`evalbox report: --runs must be a whole number of runs, got "${text}" (try 30).`)
  }
  return runs
}

/**
 * `evalbox report [before after] [--dir D] [--tier T] [--out F] [--runs N]`: writes the
 * results directory as one self-contained HTML page and prints its path.
 */
export function reportCommand(args: string[], io: CliIo): number {
  const { values, positionals } = parse(args)
  if (positionals.length !== 0 && positionals.length !== 2) {
    throw usageError(
      `evalbox report takes no files, or two to show side by side (earlier first), got ${positionals.length}.`,
    )
  }
  const dir = resultsDir(io, values.dir)
  const compare =
    positionals.length === 2
      ? ([resolveRunPath(io, positionals[0]!, dir), resolveRunPath(io, positionals[1]!, dir)] as [
          string,
          string,
        ])
      : undefined
  const data = buildReport(dir, {
    tier: values.tier,
    runs: parseRuns(values.runs),
    compare,
    warn: warnTo(io),
  })
  const out = resolve(io.cwd, values.out ?? DEFAULT_REPORT_FILE)
  mkdirSync(dirname(out), { recursive: true })
  // Result files and kept files of older runs may hold secrets; the page never does (its data
  // is redacted as data, so the page's JSON stays whole).
  writeFileSync(out, renderReportHtml(redactDeep(data, createRedactor([], io.env).redact, true)))
  io.stdout.write(`${displayPath(io, out)}\n`)
  return 0
}
