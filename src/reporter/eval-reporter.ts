import { relative } from 'node:path'
import type { SerializedError } from 'vitest'
import type { Reporter, TestCase, TestModule, TestRunEndReason, Vitest } from 'vitest/node'
import { compareRuns } from '../compare/index.ts'
import { errorMessage } from '../errors.ts'
import { findPreviousRun, loadRunFile } from '../store/read-results.ts'
import { recoverInterruptedRuns } from '../store/recover.ts'
import { RunWriter, type WrittenRun } from '../store/run-writer.ts'
import { onInterrupt } from '../vitest/interrupt.ts'
import { currentRun, type EvalboxProjectOptions, type RunState } from '../vitest/run-state.ts'
import { toEntry, toNotRunEntry } from './entries.ts'
import { renderComparison } from './render/comparison.ts'
import { renderSummary } from './render/summary.ts'

export interface EvalReporterOptions extends EvalboxProjectOptions {
  /** Names of the projects whose tests are evals. */
  projects: string[]
  /** Where the reporter's text goes. @default Vitest's logger (stdout) */
  print?: (text: string) => void
}

/**
 * The eval reporter (Vitest `Reporter`, no subclassing). It turns each finished eval case
 * into a result entry, saves it at once (journal + throttled partial files), and when the
 * run ends writes the final run file per tier, prints the summary tables and the comparison
 * with the previous run.
 */
export class EvalReporter implements Reporter {
  private readonly projects: Set<string>
  private vitest: Vitest | undefined
  private run: RunState | undefined
  private writer: RunWriter | undefined
  private readonly seen = new Set<string>()
  private noticePrinted = false
  private stopInterruptHook: (() => void) | undefined

  constructor(private readonly options: EvalReporterOptions) {
    this.projects = new Set(options.projects)
  }

  /** Another evals project joins this reporter. */
  addProject(name: string): void {
    this.projects.add(name)
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest
  }

  onTestRunStart(): void {
    this.seen.clear()
    this.run = currentRun([...this.projects][0])
    const { run } = this
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
        ...(this.vitest?.config.shard && {
          shard: `${this.vitest.config.shard.index}/${this.vitest.config.shard.count}`,
        }),
      },
    })
    this.stopInterruptHook?.()
    this.stopInterruptHook = onInterrupt(() => this.writer?.writePartials('interrupted'))
  }

  onTestCaseResult(testCase: TestCase): void {
    if (!this.writer || !this.projects.has(testCase.project.name)) return
    const root = this.run!.root
    const state = testCase.result().state
    this.seen.add(testCase.id)
    if (state === 'passed' || state === 'failed') {
      const entry = toEntry(testCase, root)
      this.writer.add(entry)
      if (entry.sandbox?.provider === 'local' && this.run?.engineNotice && !this.noticePrinted) {
        this.noticePrinted = true
        this.print(`evalbox: ${this.run.engineNotice}`)
      }
    } else {
      this.writer.addNotRun(toNotRunEntry(testCase, root))
    }
  }

  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    _errors: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ): void {
    const writer = this.writer
    if (!writer || !this.run) return
    this.stopInterruptHook?.()
    for (const module of testModules) {
      if (!this.projects.has(module.project.name)) continue
      for (const test of module.children.allTests()) {
        if (!this.seen.has(test.id)) writer.addNotRun(toNotRunEntry(test, this.run.root))
      }
    }
    if (writer.tiers.size === 0) return
    const interrupted = reason === 'interrupted'
    const written = writer.finish(interrupted)
    const out: string[] = []
    for (const { run, path } of written) {
      out.push(
        renderSummary(run, { file: writer.failure ? undefined : relative(process.cwd(), path) || path }),
      )
    }
    if (writer.failure) {
      out.push(`\nevalbox: ${writer.failure.message}`)
      process.exitCode = 1
    } else if (interrupted) {
      out.push('\nevalbox: the run was interrupted; its results are saved as a partial run and not compared.')
    } else if (this.options.compare !== false) {
      for (const item of written) out.push(this.comparison(item))
    }
    this.print(out.join('\n'))
  }

  private comparison({ tier, path, run }: WrittenRun): string {
    const dir = this.run!.resultsDir
    const warn = (message: string) => this.print(`evalbox: ${message}`)
    try {
      const previous = findPreviousRun(dir, {
        tier,
        branch: run.branch,
        exclude: [path],
        olderThan: run.timestamp,
        warn,
      })
      if (!previous) return `\nFirst run of tier "${tier}" here: nothing to compare with yet.`
      return `\n${renderComparison(compareRuns(loadRunFile(previous), run, { beforeFile: previous, afterFile: path }))}`
    } catch (error) {
      return `\nevalbox: could not compare with the previous run: ${errorMessage(error)}`
    }
  }

  private print(text: string): void {
    if (this.options.print) this.options.print(text)
    else if (this.vitest) this.vitest.logger.log(text)
    else process.stdout.write(`${text}\n`)
  }
}

declare const __EVALBOX_VERSION__: string | undefined
/** Set by the build; `dev` when running from source. */
const EVALBOX_VERSION = typeof __EVALBOX_VERSION__ === 'string' ? __EVALBOX_VERSION__ : 'dev'
