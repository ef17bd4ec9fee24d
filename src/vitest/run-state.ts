import { randomBytes } from 'node:crypto'
import { isAbsolute, join, resolve } from 'node:path'
import { EvalboxError } from '../errors.ts'
import type { RunSettings } from '../eval/settings.ts'
import { probeEngine } from '../sandbox/engine-probe.ts'
import type { SandboxSpec } from '../sandbox/spec.ts'
import { type RunInfo, readRunInfo } from '../store/run-info.ts'

/** Project-level options, given to `evalsProject()` / `evalboxPlugin()`. */
export interface EvalboxProjectOptions {
  /** Results directory. @default EVALBOX_DIR, else `.evals` at the project root */
  resultsDir?: string
  /** Sandbox defaults for every eval of the project (image, limits, network...). */
  sandbox?: SandboxSpec
  /** Default agent/task timeout in ms. @default 300_000 */
  timeout?: number
  /** Overrides for the recorded version/branch (default: package.json and git). */
  version?: string
  branch?: string
  /** Compare each finished run with the previous one of its tier. @default true */
  compare?: boolean
  /** Minimum ms between rewrites of the partial result files. @default 1000 */
  partialThrottleMs?: number
}

/**
 * The one run of this Vitest process, shared by the plugin, the globalSetup and the reporter.
 * Those may be loaded as separate module instances (config loader vs module runner), so the
 * state lives on `globalThis` under a registered symbol.
 */
export interface RunState {
  runId: string
  startedAt: Date
  root: string
  resultsDir: string
  options: EvalboxProjectOptions
  info: RunInfo
  settings: RunSettings
  /** Set once the engine was probed (globalSetup). */
  engineNotice?: string
  /** Work to do when the run ends or is interrupted (remove containers...). */
  cleanups: Set<() => Promise<void>>
}

const KEY = Symbol.for('evalbox.run-state')
type Holder = {
  [KEY]?: { state?: RunState; options: Map<string, { root: string; options: EvalboxProjectOptions }> }
}

function holder() {
  const g = globalThis as Holder
  g[KEY] ??= { options: new Map() }
  return g[KEY]
}

/** Remembers a project's options (plugin, in `configureVitest`). */
export function registerProject(name: string, root: string, options: EvalboxProjectOptions): void {
  holder().options.set(name, { root, options })
}

/** The run of this process; made on first call. */
export function currentRun(projectName?: string): RunState {
  const h = holder()
  if (h.state) return h.state
  const registered = (projectName && h.options.get(projectName)) || [...h.options.values()][0]
  const root = registered?.root ?? process.cwd()
  const options = registered?.options ?? {}
  const startedAt = new Date()
  const runId = `${startedAt.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}-${randomBytes(3).toString('hex')}`
  const resultsDir = resolveResultsDir(root, options.resultsDir)
  h.state = {
    runId,
    startedAt,
    root,
    resultsDir,
    options,
    info: readRunInfo(root, { version: options.version, branch: options.branch }),
    settings: {
      runId,
      ownerPid: process.pid,
      root,
      resultsDir,
      runDir: join(resultsDir, 'runs', runId),
      autoProvider: 'local',
      sandboxDefaults: options.sandbox,
      timeout: options.timeout,
    },
    cleanups: new Set(),
  }
  return h.state
}

/** Forgets the run (tests, and watch-mode reruns that start afresh). */
export function resetRun(): void {
  holder().state = undefined
}

/** Option > `EVALBOX_DIR` > `.evals` at the project root. */
export function resolveResultsDir(root: string, option?: string): string {
  const dir = option ?? process.env.EVALBOX_DIR ?? '.evals'
  return isAbsolute(dir) ? dir : resolve(root, dir)
}

/**
 * Decides what `sandbox: 'auto'` means for this run (once). With `EVALBOX_SANDBOX=docker`
 * an engine that does not answer stops the run at once with a message saying what was tried.
 */
export async function decideAutoProvider(state: RunState): Promise<void> {
  if (state.engineNotice !== undefined) return
  const forced = process.env.EVALBOX_SANDBOX
  if (forced === 'local') {
    state.engineNotice = ''
    return
  }
  const probe = await probeEngine()
  if (probe.ok) {
    state.settings.autoProvider = 'docker'
    state.engineNotice = ''
    return
  }
  if (forced === 'docker') {
    throw new EvalboxError('DOCKER_UNREACHABLE', `EVALBOX_SANDBOX=docker, but: ${probe.message}`)
  }
  state.settings.autoReason = probe.message
  state.engineNotice = `sandbox 'auto' uses the local sandbox in this run: ${probe.message}`
}
