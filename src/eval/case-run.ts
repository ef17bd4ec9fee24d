import { relative } from 'node:path'
import type { TestContext } from 'vitest'
import { EMPTY_BASELINE, type WorkspaceBaseline } from '../agents/harvest.ts'
import type { AgentResult } from '../agents/types.ts'
import { EvalboxError, errorMessage, SandboxUnavailableError } from '../errors.ts'
import type { Grade, Grader } from '../graders/types.ts'
import { hostPath, openSandbox } from '../sandbox/open.ts'
import { resolveSandboxSpec, type SandboxOption, type SandboxSpec } from '../sandbox/spec.ts'
import type { Sandbox } from '../sandbox/types.ts'
import { redactThrown } from '../secrets/deep.ts'
import { createRedactor, type Redactor } from '../secrets/redact.ts'
import type { TestEntry } from '../store/schema.ts'
import { appendWorkerEntry } from '../store/worker-journal.ts'
import { runAgent } from './agent-run.ts'
import { CaseFiles } from './case-files.ts'
import type { EvalContext, GradeSummary, RecordedMetrics, RunOutput } from './context.ts'
import { DEFAULT_TIMEOUT_MS } from './defaults.ts'
import { buildEntry, MAX_INLINE_OUTPUT } from './entry.ts'
import { baselineWorkspace, harvestWorkspace, keepOutputs } from './harvest-step.ts'
import './meta.ts'
import { runGraders, summarizeGrades } from './grading.ts'
import type { EvalOptions } from './options.ts'
import { fallbackSettings, getRunSettings, type RunSettings } from './settings.ts'

/**
 * The sandbox a case gets (its row's over its eval's over the project's), or undefined when
 * it needs none: no agent, no sandbox option and no grader that runs commands.
 */
export function caseSandboxSpec(
  options: EvalOptions,
  rowSandbox: SandboxOption | undefined,
  settings: Pick<RunSettings, 'sandboxDefaults'>,
): SandboxSpec | undefined {
  const needsSandbox =
    options.agent !== undefined ||
    options.sandbox !== undefined ||
    rowSandbox !== undefined ||
    (options.graders ?? []).some((grader) => grader.needsSandbox)
  return needsSandbox
    ? resolveSandboxSpec(rowSandbox, resolveSandboxSpec(options.sandbox, settings.sandboxDefaults))
    : undefined
}

/** Everything needed to run one case (one data row, one repeat). */
export interface CaseSpec {
  /** The Vitest test name (with the repeat suffix). */
  testName: string
  /** The case name without the repeat suffix. */
  caseName: string
  suite: string
  repeat: number
  repeats: number
  options: EvalOptions
  input: unknown
  expected: unknown
  rowMetadata?: Record<string, unknown>
  /** The data row's own sandbox option, laid over the eval's. */
  rowSandbox?: SandboxOption
  body?: (ctx: EvalContext) => unknown
}

/**
 * Runs one case: sandbox → body / agent or task → graders → result entry in `task.meta`.
 * The entry is written whatever happens, so the reporter always has the case.
 */
export async function runCase(spec: CaseSpec, test: TestContext): Promise<void> {
  const started = performance.now()
  const startedAt = new Date()
  const run = new CaseRun(spec, getRunSettings() ?? fallbackSettings(), test)
  let thrown: unknown
  try {
    await run.prepare()
    const ctx = run.context()
    if (spec.body) await spec.body(ctx)
    if (!run.output && run.canRun) await ctx.run()
    if (!run.summary && run.graders.length > 0) await ctx.grade()
  } catch (error) {
    thrown = error
  }
  await run.finish()
  const entry = buildEntry(run, spec, performance.now() - started, thrown)
  entry.started_at = startedAt.toISOString()
  entry.id = test.task.id
  entry.file = relativeFile(run.settings.root, test.task.file.filepath)
  test.task.meta.evalbox = entry
  if (run.settings.runDir) appendWorkerEntry(run.settings.resultsDir, run.settings.runId, entry)
  // Vitest prints what a case throws, and sends it to the main process: redacted first.
  if (thrown !== undefined) throw redactThrown(thrown, run.redactor.redact)
  const failure = run.failureMessage()
  if (failure) throw new EvalFailedError(run.redactor.redact(failure))
}

const relativeFiles = new Map<string, string>()
/** An eval file's path relative to the project root (computed once per file). */
function relativeFile(root: string, path: string): string {
  let rel = relativeFiles.get(path)
  if (rel === undefined) {
    rel = relative(root, path)
    relativeFiles.set(path, rel)
  }
  return rel
}

/** A case that ran but did not pass its graders. */
export class EvalFailedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'EvalFailedError'
  }
}

/** The state of one case while it runs; read by `buildEntry`. */
export class CaseRun {
  readonly graders: Grader[]
  /** What is secret in this case: everything it writes or reports passes through it. */
  readonly redactor: Redactor
  readonly files: CaseFiles
  readonly sandboxSpec: SandboxSpec | undefined
  readonly metrics: RecordedMetrics = {}
  readonly prompt: string | undefined
  sandbox: Sandbox | undefined
  output: RunOutput | undefined
  summary: GradeSummary | undefined
  infraError: string | undefined
  private ctx: EvalContext | undefined
  /** The output folder is known to be empty (no copy-out needed). */
  private outputsEmpty = false
  harvest: TestEntry['harvest']
  patch: { diff: string; files: string[]; path?: string } | undefined
  /** What the copy of the sandbox outputs left out (links pointing outside, past the caps). */
  outputsNote: string | undefined
  private baseline: WorkspaceBaseline | undefined
  taskExitReason: AgentResult['exitReason'] | undefined
  private running: Promise<RunOutput> | undefined

  constructor(
    readonly spec: CaseSpec,
    readonly settings: RunSettings,
    private readonly test: TestContext,
  ) {
    const { options } = spec
    this.graders = options.graders ?? []
    this.prompt = typeof options.prompt === 'function' ? options.prompt(spec.input) : options.prompt
    this.sandboxSpec = caseSandboxSpec(options, spec.rowSandbox, settings)
    this.redactor = createRedactor(settings.secrets)
    this.files = new CaseFiles(settings.resultsDir, settings.runDir, this.caseKey, this.redactor)
  }

  get canRun(): boolean {
    return this.spec.options.agent !== undefined || this.spec.options.task !== undefined
  }

  get timeoutMs(): number {
    return this.spec.options.timeout ?? this.settings.timeout ?? DEFAULT_TIMEOUT_MS
  }

  async prepare(): Promise<void> {
    if (!this.sandboxSpec) return
    try {
      this.sandbox = await openSandbox(this.sandboxSpec, this.settings, this.caseKey)
    } catch (error) {
      this.infraError = errorMessage(error)
      throw error
    }
    if (this.spec.options.agent) {
      // An empty workdir needs no reading: its baseline has no files. Without a baseline the
      // agent's work could not be harvested, so the case stops here as an infrastructure failure.
      try {
        this.baseline = this.sandboxSpec.workspace
          ? await baselineWorkspace(this.sandbox, this.sandboxSpec)
          : EMPTY_BASELINE
      } catch (error) {
        this.infraError = errorMessage(error)
        throw error
      }
    }
  }

  /** The context given to the body and the task; made once per case. */
  context(): EvalContext {
    this.ctx ??= this.makeContext()
    return this.ctx
  }

  private makeContext(): EvalContext {
    const run = this
    const test = this.test
    return {
      get sandbox(): Sandbox {
        if (!run.sandbox) {
          throw new EvalboxError(
            'INVALID_OPTIONS',
            `ctx.sandbox: eval "${run.spec.testName}" has no sandbox. Add \`sandbox: 'auto'\` (or a spec) to its options.`,
          )
        }
        return run.sandbox
      },
      input: this.spec.input,
      expected: this.spec.expected,
      // Vitest makes a new `expect` each time `test.expect` is read: read it only when used.
      get signal() {
        return test.signal
      },
      get expect() {
        return test.expect
      },
      run: () => this.run(),
      grade: (extra) => this.grade(extra),
      record: (metrics) => Object.assign(this.metrics, metrics),
      skip: (note?: string): never => this.test.skip(note) as never,
    }
  }

  run(): Promise<RunOutput> {
    this.running ??= this.execute().then((output) => {
      this.output = output
      return output
    })
    return this.running
  }

  private async execute(): Promise<RunOutput> {
    const { agent, task } = this.spec.options
    if (agent && task) {
      throw new EvalboxError(
        'INVALID_OPTIONS',
        `eval "${this.spec.testName}" has both \`agent\` and \`task\`; keep one.`,
      )
    }
    if (agent) {
      const result = await runAgent(agent, this)
      if (result.exitReason === 'sandbox_error') this.infraError = result.error
      await this.harvestWorkspace()
      return {
        output: result.output,
        value: result.output,
        agent: result,
        ...(this.patch && { patch: this.patch }),
      }
    }
    if (task) {
      let value: unknown
      try {
        value = await withTimeout(
          Promise.resolve(task(this.spec.input, this.context())),
          this.timeoutMs,
          this.test.signal,
        )
      } catch (error) {
        this.taskExitReason = error instanceof TaskTimeoutError ? 'timeout' : 'agent_error'
        throw error
      }
      this.taskExitReason = 'success'
      return {
        output: typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value),
        value,
      }
    }
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `ctx.run(): eval "${this.spec.testName}" has neither \`agent\` nor \`task\`. Add one to its options.`,
    )
  }

  private async harvestWorkspace(): Promise<void> {
    const { baseline, sandbox } = this
    if (!sandbox || baseline === undefined) return
    try {
      const harvested = await harvestWorkspace(
        sandbox,
        baseline,
        this.files,
        this.settings.runDir,
        this.caseKey,
        this.sandboxSpec,
      )
      this.harvest = harvested.entry
      // Proven untouched, and nothing but the agent touches the sandbox (no body, no grader that
      // runs commands): the output folder is still empty at the end, so no copy is needed.
      this.outputsEmpty =
        harvested.untouched && !this.spec.body && !this.graders.some((grader) => grader.needsSandbox)
      this.patch = {
        diff: harvested.diff,
        files: harvested.files,
        path: harvested.entry.patchPath || undefined,
      }
    } catch (error) {
      // Never graded as "the agent changed nothing": what it changed is unknown.
      this.infraError ??= `could not harvest the agent's changes: ${errorMessage(error)}`
    }
  }

  /** Identifies the case within the run (suite and test name). */
  get caseKey(): string {
    return `${this.spec.suite} › ${this.spec.testName}`
  }

  async grade(extra: Grader[] = []): Promise<GradeSummary> {
    const output = this.output ?? (this.canRun ? await this.run() : { output: '', value: undefined })
    const verifiers: Sandbox[] = []
    let grades: Grade[]
    try {
      grades = await runGraders([...this.graders, ...extra], {
        input: this.spec.input,
        output: output.output,
        value: output.value,
        expected: this.spec.expected,
        agent: output.agent,
        workspace: this.sandboxSpec?.workspace
          ? hostPath(this.settings.root, this.sandboxSpec.workspace)
          : undefined,
        patch: this.patch,
        signal: this.test.signal,
        sandbox: this.sandbox,
        keep: (name, data) => this.files.keep(name, data),
        openSandbox: async () => {
          const spec = this.sandboxSpec ?? resolveSandboxSpec('auto', this.settings.sandboxDefaults)
          const verifier = await openSandbox(
            spec,
            this.settings,
            `${this.caseKey} (verifier ${verifiers.length + 1})`,
          )
          verifiers.push(verifier)
          return verifier
        },
      })
    } finally {
      await Promise.allSettled(verifiers.map((verifier) => verifier.dispose()))
    }
    this.summary = summarizeGrades(grades, this.spec.options.threshold)
    return this.summary
  }

  /** Keeps the sandbox's outputs, closes logs, removes the sandbox. Never throws. */
  async finish(): Promise<void> {
    const output = this.output?.output
    if (output && output.length > MAX_INLINE_OUTPUT)
      await this.files.keep('output.txt', output).catch(() => {})
    const sandbox = this.sandbox
    if (sandbox) {
      const dir = this.files.enabled && !this.outputsEmpty ? this.files.directory() : undefined
      try {
        // Staged outside the results dir, so a full results disk is a run-dir note, not the case's.
        if (dir)
          this.outputsNote = await this.files.keepFolder('output', (target) =>
            keepOutputs(sandbox, target, this.sandboxSpec),
          )
      } catch (error) {
        this.infraError ??= `could not copy the sandbox outputs: ${errorMessage(error)}`
      }
      await sandbox.dispose().catch((error: unknown) => {
        this.infraError ??= `could not remove the sandbox: ${errorMessage(error)}`
      })
    }
    await this.files.close()
  }

  /** Why the case failed, or undefined when it passed. */
  failureMessage(): string | undefined {
    const agent = this.output?.agent
    if (this.infraError) return `Infrastructure failure (not graded as the agent's fault): ${this.infraError}`
    if (this.summary) {
      if (this.summary.pass) return undefined
      const failed = this.summary.grades.filter((grade) => !grade.pass)
      const threshold = this.spec.options.threshold
      const head =
        threshold === undefined
          ? failed.length === 1
            ? 'failed'
            : `${failed.length} of ${this.summary.grades.length} grades failed`
          : `score ${formatScore(this.summary.score)} is below the threshold ${threshold}`
      const reasons = failed.map(
        (grade) => `${grade.name}${grade.score === null ? ' (unscored)' : ''}: ${grade.explanation}`,
      )
      return `Eval "${this.spec.testName}" ${head}: ${reasons.join('; ')}`
    }
    if (agent && agent.exitReason !== 'success') {
      return `Eval "${this.spec.testName}": the agent stopped with ${agent.exitReason}${agent.error ? `: ${agent.error}` : ''}`
    }
    return undefined
  }

  /** Exit reason of the case for the entry. */
  exitReason(): AgentResult['exitReason'] | undefined {
    const reason = this.output?.agent?.exitReason ?? this.taskExitReason
    // An agent that finished, in a case that then failed on infrastructure (its harvest, say).
    if (this.infraError && (reason === undefined || reason === 'success')) return 'sandbox_error'
    return reason
  }
}

/** Resolves like `promise`, or rejects when the time is up or the test is canceled. */
async function withTimeout<T>(promise: Promise<T>, ms: number, signal: AbortSignal): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TaskTimeoutError(ms)), ms)
    onAbort = () => reject(new SandboxUnavailableError('the test was canceled'))
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([promise, stop])
  } finally {
    clearTimeout(timer)
    if (onAbort) signal.removeEventListener('abort', onAbort)
  }
}

/** A task function ran past the eval's `timeout`. */
export class TaskTimeoutError extends EvalboxError {
  constructor(ms: number) {
    super('AGENT_FAILED', `the task did not finish within ${ms} ms (the eval's \`timeout\`)`)
    this.name = 'TaskTimeoutError'
  }
}

export function formatScore(score: number | null): string {
  return score === null ? 'unscored' : score.toFixed(2)
}
