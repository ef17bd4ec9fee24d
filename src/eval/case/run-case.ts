import { relative } from 'node:path'
import type { TestContext } from 'vitest'
import type { WorkspaceBaseline } from '../../agents/harvest.ts'
import { EvalboxError, errorMessage } from '../../core/errors.ts'
import { redactThrown } from '../../core/secrets/deep.ts'
import type { ExitReason } from '../../core/usage.ts'
import type { Grader } from '../../graders/types.ts'
import type { Sandbox } from '../../sandbox/types.ts'
import type { TestEntry } from '../../store/schema.ts'
import { appendWorkerEntry } from '../../store/worker-journal.ts'
import type { EvalContext, GradeSummary, RecordedMetrics, RunOutput } from '../context.ts'
import '../meta.ts'
import type { RunSettings } from '../../sandbox/types.ts'
import { fallbackSettings, getRunSettings } from '../settings.ts'
import { buildEntry } from './entry.ts'
import { CaseFiles } from './files.ts'
import { finishCase } from './finish.ts'
import { gradeCase } from './grade.ts'
import { harvestWorkspace } from './harvest.ts'
import { modelSessionPlan, runBudgetSpent } from './models.ts'
import { prepareSandbox } from './prepare.ts'
import { type CaseResult, failureMessage } from './result.ts'
import { runAgent } from './run-agent.ts'
import { runTask, taskOutputText } from './run-task.ts'
import { type CaseSpec, planCase } from './spec.ts'

/** What a case needs of its Vitest test: its signal, its `expect` and `skip`. */
export type CaseHost = Pick<TestContext, 'signal' | 'expect' | 'skip'> & {
  /** The eval file, for the case's cassette (absent in tests of the pipeline). */
  readonly task?: { readonly file?: { readonly filepath: string } }
}

/**
 * Runs one case and records it: its result entry goes to `task.meta.evalbox` (and the
 * worker's journal) whatever happens, so the reporter always has the case. Then the test
 * fails with what the case threw, or with why it failed its graders.
 */
export async function runCase(spec: CaseSpec, test: TestContext): Promise<void> {
  const settings = getRunSettings() ?? fallbackSettings()
  // A gateway that does not answer is no reason to skip: the case's own session says why.
  const spent = await runBudgetSpent(settings).catch(() => undefined)
  if (spent) test.skip(spent)
  const result = await executeCase(spec, settings, test)
  const entry = buildEntry(result)
  entry.id = test.task.id
  entry.file = relativeFile(settings.root, test.task.file.filepath)
  test.task.meta.evalbox = entry
  if (settings.runDir) appendWorkerEntry(settings.resultsDir, settings.runId, entry)
  // Vitest prints what a case throws, and sends it to the main process: redacted first.
  const { redact } = result.plan.redactor
  if (result.thrown !== undefined) throw redactThrown(result.thrown, redact)
  const failure = failureMessage(result)
  if (failure) throw new EvalFailedError(redact(failure))
}

/**
 * The case pipeline: prepare the sandbox → the body, the agent (then harvest its work) or the
 * task → grade → finish (keep files, remove the sandbox) → a read-only `CaseResult`. Each
 * step returns what it found; only this function keeps it. The body drives the middle
 * through its context (`ctx.run()`, `ctx.grade()`); what it leaves undone is done after it.
 */
export async function executeCase(
  spec: CaseSpec,
  settings: RunSettings,
  host: CaseHost,
): Promise<CaseResult> {
  const started = performance.now()
  const startedAt = new Date()
  const plan = planCase(spec, settings)
  const files = new CaseFiles(settings.resultsDir, settings.runDir, plan.key, plan.redactor)
  const metrics: RecordedMetrics = {}
  let sandbox: Sandbox | undefined
  let baseline: WorkspaceBaseline | undefined
  let output: RunOutput | undefined
  let running: Promise<RunOutput> | undefined
  let taskExitReason: ExitReason | undefined
  let summary: GradeSummary | undefined
  let infraError: string | undefined
  let harvest: TestEntry['harvest']
  /** The output folder is known to be empty (no copy-out needed). */
  let outputsEmpty = false

  const sandboxOrThrow = (): Sandbox => {
    if (sandbox) return sandbox
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `ctx.sandbox: eval "${spec.testName}" has no sandbox. Add \`sandbox: 'auto'\` (or a spec) to its options.`,
    )
  }

  const execute = async (): Promise<RunOutput> => {
    // Both at once is refused when the eval is defined (eval options).
    const { agent, task } = spec.options
    if (agent) {
      const result = await runAgent(agent, {
        sandbox: sandboxOrThrow(),
        prompt: plan.prompt ?? (typeof spec.input === 'string' ? spec.input : ''),
        input: spec.input,
        timeoutMs: plan.timeoutMs,
        maxOutputBytes: plan.maxOutputBytes,
        signal: host.signal,
        keepEarlier: Boolean(spec.body),
        files,
        models: modelSessionPlan(settings, plan.key, spec.options, host.task?.file?.filepath),
      })
      if (result.exitReason === 'sandbox_error') infraError = result.error
      let patch: RunOutput['patch']
      if (sandbox && baseline !== undefined) {
        const harvested = await harvestWorkspace(
          sandbox,
          baseline,
          files,
          settings.runDir,
          plan.key,
          plan.sandboxSpec,
        )
        if ('error' in harvested) infraError ??= harvested.error
        else {
          harvest = harvested.harvest
          patch = harvested.patch
          // Proven untouched, and nothing but the agent touches the sandbox (no body, no grader
          // that runs commands): the output folder is still empty at the end, so no copy is needed.
          outputsEmpty =
            harvested.untouched && !spec.body && !plan.graders.some((grader) => grader.needsSandbox)
        }
      }
      return { output: result.output, value: result.output, agent: result, ...(patch && { patch }) }
    }
    if (task) {
      const outcome = await runTask(task, spec.input, ctx, plan.timeoutMs, host.signal)
      taskExitReason = outcome.exitReason
      if (outcome.exitReason !== 'success') throw outcome.error
      return { output: taskOutputText(outcome.value), value: outcome.value }
    }
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `ctx.run(): eval "${spec.testName}" has neither \`agent\` nor \`task\`. Add one to its options.`,
    )
  }

  const run = (): Promise<RunOutput> => {
    running ??= execute().then((value) => {
      output = value
      return value
    })
    return running
  }

  const grade = async (extra: Grader[] = []): Promise<GradeSummary> => {
    const graded = output ?? (plan.canRun ? await run() : { output: '', value: undefined })
    summary = await gradeCase({ plan, output: graded, sandbox, files, signal: host.signal }, extra)
    return summary
  }

  const ctx: EvalContext = {
    get sandbox() {
      return sandboxOrThrow()
    },
    input: spec.input,
    expected: spec.expected,
    // Vitest makes a new `expect` each time `test.expect` is read: read it only when used.
    get signal() {
      return host.signal
    },
    get expect() {
      return host.expect
    },
    run,
    grade,
    record: (values) => Object.assign(metrics, values),
    skip: (note?: string): never => host.skip(note) as never,
  }

  let thrown: unknown
  try {
    const prepared = await prepareSandbox(plan)
    sandbox = prepared.sandbox
    baseline = prepared.baseline
    if (prepared.error !== undefined) {
      infraError = errorMessage(prepared.error)
      throw prepared.error
    }
    if (spec.body) await spec.body(ctx)
    if (!output && plan.canRun) await run()
    if (!summary && plan.graders.length > 0) await grade()
  } catch (error) {
    thrown = error
  }
  const finished = await finishCase({
    sandbox,
    sandboxSpec: plan.sandboxSpec,
    files,
    output: output?.output,
    outputsEmpty,
  })
  infraError ??= finished.infraError
  return Object.freeze({
    plan,
    startedAt,
    durationMs: performance.now() - started,
    thrown,
    output,
    taskExitReason,
    summary,
    infraError,
    harvest,
    outputsNote: finished.outputsNote,
    sandbox: sandbox && { provider: sandbox.provider, id: sandbox.id },
    metrics: { ...metrics },
    files: {
      relativeDir: files.relativeDir,
      error: files.error,
      artifacts: { ...files.artifacts },
      withheld: [...files.withheld],
    },
  })
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
