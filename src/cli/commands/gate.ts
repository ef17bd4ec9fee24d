import { basename, resolve } from 'node:path'
import { GATE_FAIL_ON, type GateFailOn, type GateResult, gate } from '../../compare/gate.ts'
import { baselinePathFor, DEFAULT_BASELINE, loadBaseline } from '../../compare/gate-baseline.ts'
import { EvalboxError } from '../../core/errors.ts'
import { formatTime } from '../../render/format.ts'
import { palette } from '../../render/options.ts'
import { findBaseline } from '../../store/baseline.ts'
import { listRuns, loadRunFile, type RunSummary } from '../../store/read-results.ts'
import type { RunFile } from '../../store/schema.ts'
import { type CliIo, displayPath, resultsDir, usageError, useColor, warnTo } from '../context.ts'
import { type CommandFlags, parseCommand } from '../parse.ts'

function parseAlpha(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const alpha = Number(text)
  if (text.trim() === '' || !(alpha > 0 && alpha <= 1))
    throw usageError(`evalbox gate: --alpha must be a number in (0, 1], got "${text}" (try 0.05).`)
  return alpha
}

function parseFailOn(text: string | undefined): GateFailOn[] | undefined {
  if (text === undefined) return undefined
  const items = text.split(',').map((s) => s.trim())
  const bad = items.find((s) => !(GATE_FAIL_ON as readonly string[]).includes(s))
  if (bad !== undefined)
    throw usageError(
      `evalbox gate: --fail-on takes a comma-separated list of ${GATE_FAIL_ON.join(', ')}; got "${bad}".`,
    )
  return items as GateFailOn[]
}

/** The newest finalized run of `tier` (any tier when undefined). */
function newest(runs: RunSummary[], dir: string, tier: string | undefined): RunSummary {
  const latest = runs.find((run) => !run.partial && (!tier || run.tier === tier))
  if (latest) return latest
  throw new EvalboxError(
    'NO_RESULTS',
    `No finalized ${tier ? `${tier} ` : ''}runs in ${dir} to gate. Run the evals first, or point --dir or EVALBOX_DIR at the results directory.`,
  )
}

interface Sides {
  after: RunFile
  afterPath: string
  before?: RunFile
  beforePath?: string
  beforeLabel: string
}

function againstBaseline(io: CliIo, flags: CommandFlags, runs: RunSummary[], dir: string): Sides {
  const template = flags.baseline ?? DEFAULT_BASELINE
  // Without --tier, a plain baseline path names the tier itself; a `{tier}` path needs the run's.
  let tier = flags.tier
  let baseline: RunFile | undefined
  if (!tier && !template.includes('{tier}')) {
    baseline = loadBaseline(resolve(io.cwd, template), undefined)
    tier = baseline.tier
  }
  const latest = newest(runs, dir, tier)
  const path = resolve(io.cwd, baselinePathFor(template, latest.tier))
  if (baseline === undefined) baseline = loadBaseline(path, undefined)
  if (baseline.tier !== latest.tier) {
    throw usageError(
      `evalbox gate: the baseline ${displayPath(io, path)} is a "${baseline.tier}" run but --tier is "${latest.tier}". Pass that tier's baseline with --baseline.`,
    )
  }
  const label = `baseline ${displayPath(io, path)} (${baseline.branch} @ ${formatTime(baseline.timestamp)}, ${baseline.git_sha.slice(0, 7)})`
  const after = loadRunFile(latest.path, { warn: warnTo(io), slim: true })
  return { after, afterPath: latest.path, before: baseline, beforePath: path, beforeLabel: label }
}

function againstPrevious(io: CliIo, flags: CommandFlags, runs: RunSummary[], dir: string): Sides {
  const latest = newest(runs, dir, flags.tier)
  const after = loadRunFile(latest.path, { warn: warnTo(io), slim: true })
  // Each case against the last run that ran it (a filtered run stands only for its cases).
  const baseline = findBaseline(runs, after, { exclude: [latest.path], warn: warnTo(io) })
  if (!baseline) return { after, afterPath: latest.path, beforeLabel: 'no previous run' }
  const [last] = baseline.sources
  const label = baseline.composite
    ? `the last run of each case (${baseline.sources.map((s) => s.file).join(', ')})`
    : `previous run ${basename(baseline.path)} (${last?.branch ?? baseline.run.branch} @ ${formatTime(baseline.run.timestamp)}, ${baseline.run.git_sha.slice(0, 7)})`
  return {
    after,
    afterPath: latest.path,
    before: baseline.run,
    beforePath: baseline.path,
    beforeLabel: label,
  }
}

/**
 * `evalbox gate [--baseline F | --previous] [--dir D] [--tier T] [--alpha A] [--fail-on L]
 * [--json]`: gates the newest finalized run of a tier against the baseline (default
 * `evals/baseline.json`) or the previous run. Returns 1 when the gate fails, else 0.
 */
export function gateCommand(args: string[], io: CliIo): number {
  const allowed = ['dir', 'tier', 'json', 'baseline', 'previous', 'alpha', 'fail-on'] as const
  const { flags, positionals } = parseCommand('gate', args, allowed)
  if (positionals.length > 0) throw usageError(`evalbox gate takes no files, got "${positionals[0]}".`)
  if (flags.baseline !== undefined && flags.previous)
    throw usageError('evalbox gate: pass --baseline or --previous, not both.')
  const alpha = parseAlpha(flags.alpha)
  const failOn = parseFailOn(flags['fail-on'])

  const dir = resultsDir(io, flags.dir)
  const runs = listRuns(dir, { warn: warnTo(io) })
  const sides = flags.previous ? againstPrevious(io, flags, runs, dir) : againstBaseline(io, flags, runs, dir)
  const heading = `Gate: ${displayPath(io, sides.afterPath)} vs ${sides.beforeLabel}`

  if (!sides.before) {
    const note = `No earlier finalized ${sides.after.tier} run to gate against; the gate passes.`
    if (flags.json)
      io.stdout.write(`${JSON.stringify({ ok: true, note, after: sides.afterPath }, null, 2)}\n`)
    else io.stdout.write(`${heading}\n${note}\n`)
    return 0
  }
  const result: GateResult = gate(sides.before, sides.after, {
    ...(alpha !== undefined && { alpha }),
    ...(failOn !== undefined && { failOn }),
    against: flags.previous ? 'previous' : 'baseline',
  })
  if (flags.json) {
    io.stdout.write(
      `${JSON.stringify({ ...result, before: sides.beforePath, after: sides.afterPath }, null, 2)}\n`,
    )
  } else {
    const p = palette({ color: useColor(io, io.stdout) })
    const title = result.ok ? p.green(result.title) : p.red(result.title)
    io.stdout.write(`${heading}\n${p.bold(title)}\n${result.message}\n`)
  }
  return result.ok ? 0 : 1
}
