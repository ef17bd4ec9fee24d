import { basename, relative } from 'node:path'
import { checkFailOn, type GateFailOn, type GateResult, gate } from '../compare/gate.ts'
import { DEFAULT_BASELINE, gateAgainstBaseline } from '../compare/gate-baseline.ts'
import { describeValue, EvalboxError, errorMessage } from '../core/errors.ts'
import type { SummaryGate } from '../render/step-summary.ts'
import type { ReporterGateOptions } from '../run/run-state.ts'
import type { RunFile } from '../store/schema.ts'

/** The reporter's gate, resolved from the `gate` option and `EVALBOX_GATE`. */
export interface GateSettings {
  /** A baseline path (relative to the project root, `{tier}` allowed) or `'previous'`. */
  baseline: string
  alpha?: number
  failOn?: GateFailOn[]
}

function invalid(message: string): EvalboxError {
  return new EvalboxError('INVALID_OPTIONS', message)
}

/**
 * Per field: the option, else `EVALBOX_GATE` (for the baseline), else the default. No gate
 * when the option is `false`, or when neither the option nor the variable is set. Checks the
 * values now, so a mistyped gate fails before the evals spend anything.
 *
 * @throws {EvalboxError} `INVALID_OPTIONS` naming the bad value.
 */
export function resolveGateSettings(
  option: ReporterGateOptions | false | undefined,
  env: Record<string, string | undefined>,
): GateSettings | undefined {
  if (option === false) return undefined
  const fromEnv = env.EVALBOX_GATE?.trim() || undefined
  if (option === undefined && fromEnv === undefined) return undefined
  if (option !== undefined && (typeof option !== 'object' || option === null)) {
    throw invalid(
      `Expected \`gate\` to be an object such as { baseline: 'previous' }, or false, got ${describeValue(option)}.`,
    )
  }
  const baseline = option?.baseline ?? fromEnv ?? DEFAULT_BASELINE
  if (typeof baseline !== 'string' || baseline.trim() === '') {
    throw invalid(
      `Expected \`gate.baseline\` to be 'previous' or a baseline file path, got ${describeValue(baseline)}.`,
    )
  }
  const settings: GateSettings = { baseline }
  const { alpha, failOn } = option ?? {}
  if (alpha !== undefined) {
    if (typeof alpha !== 'number' || !(alpha > 0 && alpha <= 1))
      throw invalid(
        `Expected \`gate.alpha\` to be a number in (0, 1], got ${describeValue(alpha)} (try 0.05).`,
      )
    settings.alpha = alpha
  }
  if (failOn !== undefined) settings.failOn = checkFailOn(failOn, 'gate.failOn')
  return settings
}

/** A tier's gate at the end of a run. */
export interface TierGate {
  /** `true` passed, `false` failed (or could not judge), `undefined` not gated. */
  ok: boolean | undefined
  /** What to print, one block. */
  text: string
  /** The verdict, when the gate judged the run. */
  result?: GateResult
  /** For the step summary. */
  summary: SummaryGate
}

function skipped(note: string, ok: boolean | undefined): TierGate {
  return { ok, text: `Gate: ${note}`, summary: { note } }
}

/** Where the run is: the facts the gate needs besides the run. */
export interface GateContext {
  root: string
  /** `i/n` when this process ran one shard. */
  shard?: string
  /** The previous finalized run of the tier, loaded (as the comparison found it). */
  previous?: { path: string; run: RunFile }
}

/**
 * Gates one finished tier run: against the baseline file, or against the previous run. A
 * shard is gated against a baseline (its own cases only) but not against a previous run,
 * which may be a whole run or another shard. Never throws: a missing or invalid baseline is
 * a failed gate whose text says how to fix it.
 */
export function runGate(run: RunFile, settings: GateSettings, context: GateContext): TierGate {
  const options = {
    ...(settings.alpha !== undefined && { alpha: settings.alpha }),
    ...(settings.failOn !== undefined && { failOn: settings.failOn }),
  }
  try {
    if (settings.baseline === 'previous') {
      if (context.shard) {
        return skipped(
          `shard ${context.shard} is not gated against the previous run; merge the shard files with \`evalbox merge\`, then run \`evalbox gate --previous\`.`,
          undefined,
        )
      }
      if (!context.previous)
        return skipped(`no earlier finalized ${run.tier} run to gate against; the gate passes.`, true)
      const result = gate(context.previous.run, run, { ...options, against: 'previous' })
      return judged(result, `previous run ${basename(context.previous.path)}`)
    }
    const result = gateAgainstBaseline(run, settings.baseline, { ...options, root: context.root })
    return judged(result, `baseline ${relative(context.root, result.baselinePath)}`)
  } catch (error) {
    const note = `could not gate the ${run.tier} run: ${errorMessage(error)}`
    return { ok: false, text: `Gate: ${note}`, summary: { note } }
  }
}

function judged(result: GateResult, against: string): TierGate {
  const { ok, title, message } = result
  return { ok, text: `${title} — vs ${against}\n${message}`, result, summary: { ok, title, message } }
}
