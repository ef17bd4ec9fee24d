import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, relative, resolve, sep } from 'node:path'
import { errorMessage } from '../core/errors.ts'
import { gateAnnotation, githubAnnotations, runAnnotation, stepSummary } from '../render/github.ts'
import { junitXml } from '../render/junit.ts'
import { detectCi } from '../run/ci-env.ts'
import type { RunFile } from '../store/schema.ts'
import type { TierEnd } from './conclude.ts'

/**
 * A file path from the project root made relative to the repository root (GitHub resolves
 * annotation paths against `GITHUB_WORKSPACE`), with `/` separators. Without a workspace the
 * path stays as it is. Pure.
 */
export function repoPath(file: string, root: string, workspace: string | undefined): string {
  const path = workspace ? relative(resolve(workspace), resolve(root, file)) : file
  return path.split(sep).join('/')
}

/** The run with its entries' `file` rewritten by {@link repoPath}. */
function inRepo(run: RunFile, root: string, workspace: string | undefined): RunFile {
  if (!workspace) return run
  const tests = run.tests.map((t) => (t.file ? { ...t, file: repoPath(t.file, root, workspace) } : t))
  return { ...run, tests }
}

/**
 * The GitHub Actions workflow commands for a finished run: per tier, one `::error` per failing
 * case (regressions first) pointing at the eval's file and line, `::warning`s for flaky cases,
 * and one `::error` for a failed gate. Pure.
 */
export function githubLines(
  tiers: readonly TierEnd[],
  root: string,
  workspace: string | undefined,
): string[] {
  return tiers.flatMap((tier) => {
    const lines = githubAnnotations(inRepo(tier.run, root, workspace), tier.comparison, tier.gate?.result)
    const gate = tier.gate
    if (gate?.ok === false) {
      const title = gate.result?.title ?? `Eval gate failed (${tier.tier})`
      const message = gate.result?.message ?? ('note' in gate.summary ? gate.summary.note : '')
      lines.unshift(gateAnnotation(title, message))
    }
    return lines
  })
}

/** The markdown job summary of a finished run (see {@link stepSummary}). Pure. */
export function githubSummary(tiers: readonly TierEnd[]): string {
  return stepSummary(
    tiers.map((t) => t.run),
    tiers.map((t) => t.comparison ?? (t.notCompared ? { note: t.notCompared } : undefined)),
    tiers.map((t) => t.gate?.summary),
  )
}

/** Appends the job summary to `$GITHUB_STEP_SUMMARY`; returns an error message on failure. */
export function appendStepSummary(
  path: string,
  tiers: readonly TierEnd[],
  redact: (text: string) => string = (text) => text,
  warnings: readonly RunWarning[] = [],
): string | undefined {
  const notes = warnings.map((w) => `> [!WARNING]\n> **${w.title}.** ${w.message}\n\n`).join('')
  try {
    appendFileSync(path, `${redact(notes + githubSummary(tiers))}\n`)
    return undefined
  } catch (error) {
    return `could not append the job summary to ${path} (GITHUB_STEP_SUMMARY): ${errorMessage(error)}`
  }
}

/**
 * Writes the JUnit XML file of the run's tiers, with their comparisons' sandbox changes (parent
 * folders are created); returns an
 * error message on failure.
 */
export function writeJunit(
  path: string,
  tiers: readonly Pick<TierEnd, 'run' | 'comparison'>[],
  redact: (text: string) => string = (text) => text,
): string | undefined {
  try {
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(
      path,
      redact(
        junitXml(
          tiers.map((t) => t.run),
          tiers.map((t) => t.comparison),
        ),
      ),
    )
    return undefined
  } catch (error) {
    return `could not write the JUnit file ${path}: ${errorMessage(error)}. Point \`junit\` or EVALBOX_JUNIT at a writable path.`
  }
}

/**
 * Where the JUnit file goes: the `junit` option, else `EVALBOX_JUNIT`, resolved against the
 * project root; `undefined` for none (the option `false` wins over the variable).
 */
export function junitPath(
  option: string | false | undefined,
  env: Record<string, string | undefined>,
  root: string,
): string | undefined {
  if (option === false) return undefined
  const path = option ?? (env.EVALBOX_JUNIT?.trim() || undefined)
  return path === undefined || path === '' ? undefined : resolve(root, path)
}

/** What {@link writeCiOutputs} needs besides the run. */
export interface CiOutputOptions {
  /** Project root: entry files are relative to it, and so is the JUnit path. */
  root: string
  env: Record<string, string | undefined>
  /** The `github` option: `false` turns GitHub output off. */
  github?: boolean
  /** The `junit` option. */
  junit?: string | false
  /** Prints to the log (stdout). */
  print: (text: string) => void
  /** Applied to the text of every file written (the reporter's redaction). @default none */
  redact?: (text: string) => string
  /** Run-level warnings (cases that ran on the host): a `::warning` each, and atop the job summary. */
  warnings?: readonly RunWarning[]
}

/** A warning about the whole run, for CI readers. */
export interface RunWarning {
  title: string
  message: string
}

/**
 * Writes what CI reads at the end of a run: on GitHub Actions the annotations (printed) and
 * the job summary (appended to `$GITHUB_STEP_SUMMARY`), and the JUnit file when one is asked
 * for. A file that cannot be written is reported, never thrown.
 */
export function writeCiOutputs(tiers: readonly TierEnd[], options: CiOutputOptions): void {
  const { env, print } = options
  const warn = (message: string | undefined) => {
    if (message) print(`evalbox: ${message}`)
  }
  const ci = detectCi(env)
  if (ci.name === 'github' && options.github !== false) {
    const warnings = options.warnings ?? []
    const lines = [
      ...warnings.map((w) => runAnnotation('warning', w.title, w.message)),
      ...githubLines(tiers, options.root, env.GITHUB_WORKSPACE || undefined),
    ]
    if (lines.length > 0) print(lines.join('\n'))
    if (ci.stepSummaryPath) warn(appendStepSummary(ci.stepSummaryPath, tiers, options.redact, warnings))
  }
  const junit = junitPath(options.junit, env, options.root)
  if (junit) warn(writeJunit(junit, tiers, options.redact))
}
