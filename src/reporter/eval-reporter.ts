import type { SerializedError } from 'vitest'
import type { Reporter, TestCase, TestModule, TestRunEndReason, TestSpecification, Vitest } from 'vitest/node'
import { redactDeep } from '../core/secrets/deep.ts'
import { createRedactor } from '../core/secrets/redact.ts'
import { onInterrupt } from '../run/interrupt.ts'
import {
  currentRun,
  type EvalboxProjectOptions,
  parseProjectOptions,
  type RunState,
  reporterOptionsSchema,
} from '../run/run-state.ts'
import { hostWarning } from '../sandbox/host.ts'
import { FALLBACK_PROVIDER } from '../sandbox/providers.ts'
import { recoverInterruptedRuns } from '../store/recover.ts'
import { RunWriter, type WrittenRun } from '../store/run-writer.ts'
import { writeCiOutputs } from './ci-output.ts'
import { concludeRun } from './conclude.ts'
import { tierOf, toEntry, toNotRunEntry } from './entries.ts'
import { gateExitCode, onlyEvalFailures } from './exit-code.ts'
import { type LiveLine, liveLine } from './live-line.ts'
import { isIdle, ProgressCounter, progressText } from './progress.ts'
import { runFilterOf } from './run-filter.ts'
import { type GateSettings, resolveGateSettings } from './run-gate.ts'

export interface EvalReporterOptions extends EvalboxProjectOptions {
  /** Names of the projects whose tests are evals. */
  projects: string[]
  /** Where the reporter's text goes. @default Vitest's logger (stdout) */
  print?: (text: string) => void
}

/**
 * The eval reporter (Vitest `Reporter`, no subclassing). It turns each finished eval case
 * into a result entry, saves it at once (journal + throttled partial files), and when the
 * run ends writes the final run file per tier, prints the summary tables, the comparison
 * with the previous run and the gate's verdict, and writes what CI reads (GitHub annotations
 * and job summary, JUnit XML). In a terminal it keeps a progress line on stderr.
 */
export class EvalReporter implements Reporter {
  private readonly projects: Set<string>
  private readonly gate: GateSettings | undefined
  private vitest: Vitest | undefined
  private run: RunState | undefined
  private writer: RunWriter | undefined
  private readonly seen = new Set<string>()
  /** Tiers of the collected evals: an interrupt before any case finished still leaves their files. */
  private readonly collectedTiers = new Set<string>()
  /** The collected evals that are to run: an interrupt lists those without a result as not run. */
  private readonly collected = new Map<string, TestCase>()
  private readonly progress = new ProgressCounter()
  private line: LiveLine | undefined
  /** Cases of this run that ran on the host (the local sandbox), for the run's one warning. */
  private hostCases = 0
  private cases = 0
  private stopInterruptHook: (() => void) | undefined

  constructor(private readonly options: EvalReporterOptions) {
    parseProjectOptions('new EvalReporter()', reporterOptionsSchema(), options)
    this.projects = new Set(options.projects)
    this.gate = resolveGateSettings(options.gate, process.env)
  }

  /** Another evals project joins this reporter. */
  addProject(name: string): void {
    this.projects.add(name)
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest
  }

  onTestRunStart(specifications: ReadonlyArray<TestSpecification> = []): void {
    this.seen.clear()
    this.hostCases = 0
    this.cases = 0
    this.collectedTiers.clear()
    this.collected.clear()
    this.run = currentRun([...this.projects][0])
    const { run } = this
    const filter = runFilterOf(this.vitest, this.projects)
    recoverInterruptedRuns(run.resultsDir, (message) => this.print(`evalbox: ${message}`))
    this.writer = new RunWriter({
      resultsDir: run.resultsDir,
      throttleMs: this.options.partialThrottleMs,
      header: {
        run_id: run.runId,
        timestamp: run.startedAt.toISOString(),
        ...run.info,
        evalbox_version: EVALBOX_VERSION,
        vitest_version: this.vitest?.version,
        node_version: process.version,
        ...(this.shard() && { shard: this.shard() }),
        ...(filter && { filter }),
      },
    })
    this.progress.start(specifications.filter((spec) => this.projects.has(spec.project.name)).length)
    this.line?.stop()
    this.line = this.options.progress === false ? undefined : liveLine()
    this.stopInterruptHook?.()
    this.stopInterruptHook = onInterrupt(() => this.interrupt())
  }

  /**
   * SIGINT/SIGTERM: the cases that were running or queued are recorded as not run, and an
   * outcome that arrives later is not trusted (evalbox's own cleanup may be what ended it,
   * e.g. by removing a container under a grader). Synchronous: Vitest exits right after.
   */
  private interrupt(): void {
    this.line?.stop()
    const writer = this.writer
    if (!writer || !this.run) return
    writer.markInterrupted()
    writer.openTiers(this.collectedTiers)
    for (const [id, test] of this.collected) {
      if (this.seen.has(id)) continue
      this.seen.add(id)
      writer.addNotRun(toNotRunEntry(test, this.run.root, INTERRUPTED))
    }
    writer.writePartials('interrupted')
  }

  onTestModuleCollected(module: TestModule): void {
    if (!this.projects.has(module.project.name)) return
    const ids: string[] = []
    for (const test of module.children.allTests()) {
      if (test.options.mode !== 'run' && test.options.mode !== 'only') continue
      ids.push(test.id)
      this.collected.set(test.id, test)
      this.collectedTiers.add(tierOf(test))
    }
    this.progress.collected(ids)
    this.showProgress()
  }

  onTestCaseReady(testCase: TestCase): void {
    if (!this.projects.has(testCase.project.name)) return
    this.progress.ready(testCase.id)
    this.showProgress()
  }

  onTestCaseResult(testCase: TestCase): void {
    if (!this.writer || !this.projects.has(testCase.project.name)) return
    const root = this.run!.root
    const state = testCase.result().state
    const known = this.seen.has(testCase.id)
    this.seen.add(testCase.id)
    if (state === 'passed' || state === 'failed') {
      // Workers redact their entries (every string, in buildEntry); what only the main process
      // adds (the file, Vitest's error, a test that is no eval case) is redacted in toEntry.
      // Redacting the whole entry again here cost a third of the reporter's time per case.
      const entry = toEntry(testCase, root, this.redact)
      if (!this.writer.accepts(entry)) {
        // It ended after the run was told to stop: recorded as not run, not as its outcome.
        if (!known)
          this.writer.addNotRun(redactDeep(toNotRunEntry(testCase, root, INTERRUPTED), this.redact, true))
        return
      }
      this.writer.add(entry)
      this.progress.result(testCase.id, { failed: !entry.passed, costUsd: entry.cost_usd })
      this.cases++
      if (entry.sandbox?.provider === FALLBACK_PROVIDER) this.hostCases++
    } else {
      if (!known) this.writer.addNotRun(redactDeep(toNotRunEntry(testCase, root), this.redact, true))
      this.progress.result(testCase.id, { failed: false, costUsd: 0 })
    }
    this.showProgress()
  }

  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    errors: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ): void {
    this.line?.stop()
    this.line = undefined
    const writer = this.writer
    if (!writer || !this.run) return
    this.stopInterruptHook?.()
    for (const module of testModules) {
      if (!this.projects.has(module.project.name)) continue
      for (const test of module.children.allTests()) {
        if (!this.seen.has(test.id))
          writer.addNotRun(redactDeep(toNotRunEntry(test, this.run.root), this.redact, true))
      }
    }
    if (writer.tiers.size === 0) return
    const interrupted = reason === 'interrupted'
    const written = writer.finish(interrupted)
    const shard = this.shard()
    const conclusion = concludeRun({
      written,
      root: this.run.root,
      resultsDir: this.run.resultsDir,
      interrupted,
      ...(writer.failure && { failure: writer.failure }),
      compare: this.options.compare !== false,
      ...(shard && { shard }),
      ...(this.gate && !interrupted && !writer.failure && { gate: this.gate }),
      warn: (message) => this.print(`evalbox: ${message}`),
    })
    this.print(conclusion.text)
    const host = hostWarning(this.hostCases, this.cases, this.run.settings)
    if (host) this.print(`\nevalbox: ${host}`)
    writeCiOutputs(conclusion.tiers, {
      ...(host && { warnings: [{ title: 'Agents ran on the host', message: host }] }),
      root: this.run.root,
      env: process.env,
      github: this.options.github,
      junit: this.options.junit,
      print: (text) => this.print(text),
      redact: this.redact,
    })

    const runDirNote = writer.failure ? undefined : runDirErrors(written, this.run.resultsDir)
    if (runDirNote) this.print(`\nevalbox: ${runDirNote}`)
    if (writer.failure || runDirNote) process.exitCode = 1
    else {
      const code = gateExitCode(conclusion.tiers, onlyEvalFailures(testModules, errors, this.projects))
      if (code !== undefined) process.exitCode = code
    }
  }

  private showProgress(): void {
    if (!this.line) return
    const snapshot = this.progress.snapshot()
    this.line.update(isIdle(snapshot) ? undefined : progressText(snapshot, process.stderr.columns))
  }

  private shard(): string | undefined {
    const shard = this.vitest?.config.shard
    return shard ? `${shard.index}/${shard.count}` : undefined
  }

  /**
   * The one way out for the reporter's text (and CI files): secrets of this process's
   * environment, the project's `secrets` and every key shape are redacted.
   */
  private readonly redact = (text: string): string => createRedactor(this.options.secrets).redact(text)

  private print(raw: string): void {
    const text = this.redact(raw)
    if (this.options.print) this.options.print(text)
    else if (this.vitest) this.vitest.logger.log(text)
    else process.stdout.write(`${text}\n`)
  }
}

/** The reason recorded for the cases a SIGINT/SIGTERM cut off. */
const INTERRUPTED = 'the run was interrupted before this case finished'

/** One message for the cases whose run-directory files could not be written, if any. */
function runDirErrors(written: readonly WrittenRun[], resultsDir: string): string | undefined {
  const failed = written.flatMap(({ run }) => run.tests.filter((test) => test.run_dir_error))
  if (failed.length === 0) return undefined
  const n = failed.length
  return (
    `Cannot write eval results to ${resultsDir}: ${n} case${n === 1 ? '' : 's'} could not keep ` +
    `${n === 1 ? 'its' : 'their'} run-directory files (first: ${failed[0]!.run_dir_error}). The cases were ` +
    'graded and their results are saved; only those files are missing (`run_dir_error` in each entry). ' +
    'Free space in that folder, or point EVALBOX_DIR or evalsProject({ resultsDir }) at a folder with room.'
  )
}

declare const __EVALBOX_VERSION__: string | undefined
/** Set by the build; `dev` when running from source. */
const EVALBOX_VERSION = typeof __EVALBOX_VERSION__ === 'string' ? __EVALBOX_VERSION__ : 'dev'
