import { randomBytes } from 'node:crypto'
import { isAbsolute, join, resolve } from 'node:path'
import * as z from 'zod'
import { ENV_NAME, envNameSchema } from '../agents/agent-env.ts'
import { pricingSchema } from '../agents/cli-options.ts'
import { GATE_FAIL_ON, type GateFailOn } from '../compare/gate.ts'
import { invalidOptions } from '../core/errors.ts'
import { lazy } from '../core/lazy.ts'
import type { PricingTable } from '../core/pricing.ts'
import { parseOptions } from '../core/validate.ts'
import { type SandboxSpec, sandboxSpecSchema } from '../sandbox/spec.ts'
import type { RunSettings } from '../sandbox/types.ts'
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
  /**
   * Gate each finished run: judge it against a baseline file or the previous run, print the
   * verdict, and let it decide the exit code (see {@link ReporterGateOptions}). `false` turns
   * the gate off even when `EVALBOX_GATE` is set.
   * @default `EVALBOX_GATE` (`previous` or a baseline path) when set, else no gate
   */
  gate?: ReporterGateOptions | false
  /**
   * Write a JUnit XML file of the run (one `<testsuite>` per tier) to this path, relative to
   * the project root. `false` turns it off even when `EVALBOX_JUNIT` is set.
   * @default `EVALBOX_JUNIT` when set, else no file
   */
  junit?: string | false
  /**
   * On GitHub Actions, print an annotation per failing or regressed case and append a
   * markdown summary to `$GITHUB_STEP_SUMMARY`.
   * @default true when `GITHUB_ACTIONS=true`
   */
  github?: boolean
  /**
   * A live line on stderr (cases done / running / queued, spend so far), only when stderr
   * is a terminal.
   * @default true
   */
  progress?: boolean
  /**
   * More environment variable names whose values are secrets, besides those whose names look
   * secret (`*KEY*`, `*TOKEN*`, `*SECRET*`, `*PASSWORD*`…). Every secret value (of 8 characters
   * or more) and every key shape (`sk-ant-…`, `ghp_…`, PEM private keys…) is redacted from
   * everything evalbox writes or prints: result files, run directories, logs, the console
   * (eval files' `console` output included), JUnit, GitHub output. See docs/agents.md, "Secrets".
   * @default []
   */
  secrets?: string[]
  /**
   * The run's model gateway, through which agents that call models (`agents.claudeCode`,
   * `agents.codex`…) reach them: the real keys stay in this process, every call is recorded
   * per case, budgets hold (see docs/agents.md, "Model gateway"). `false` starts none: such
   * agents then need their own network and key.
   * @default upstreams from the environment (`ANTHROPIC_API_KEY`, `OPENAI_API_KEY`, `GEMINI_API_KEY`, `EVALBOX_*_BASE_URL`)
   */
  gateway?: GatewayProjectOptions | false
  /** Run-wide spending limit, counted by the gateway: once spent, no new case starts. @default none */
  budget?: { maxCostUsd?: number }
}

/** The project's gateway settings. */
export interface GatewayProjectOptions {
  /**
   * Where each provider's calls go, and the host variable holding its key. A provider left
   * out uses its environment defaults.
   * @example { anthropic: { baseUrl: 'https://llm-proxy.internal', apiKeyEnv: 'PROXY_KEY' } }
   */
  upstreams?: Partial<Record<'anthropic' | 'openai' | 'gemini', { baseUrl?: string; apiKeyEnv?: string }>>
  /** Prices (USD per million tokens by model) merged over evalbox's table, for the cost of each call. */
  pricing?: PricingTable
}

/** The reporter's gate, the `evalbox gate` command run at the end of every eval run. */
export interface ReporterGateOptions {
  /**
   * What to gate against: a baseline run file (relative to the project root; `{tier}` is
   * replaced by the tier, e.g. `evals/baseline-{tier}.json`), or `'previous'` for the
   * previous finalized run of the tier (the one the comparison uses).
   * @default `EVALBOX_GATE` when set, else 'evals/baseline.json'
   */
  baseline?: string
  /** Significance level for cases with repeats (Fisher's exact test). @default 0.05 */
  alpha?: number
  /**
   * The case outcomes that fail the gate: any of 'regressed', 'still-failing', 'new-failure',
   * 'flaky' (see docs/ci.md, "Gates").
   * @default ['regressed', 'still-failing'] against 'previous'; ['regressed', 'new-failure'] against a baseline
   */
  failOn?: GateFailOn[]
}

/** The fields of {@link EvalboxProjectOptions}, strict: `evalsProject()` adds its own. */
export const projectOptionsShape = lazy(() => ({
  resultsDir: z.string().min(1).optional(),
  sandbox: sandboxSpecSchema().optional(),
  timeout: z.number().int().positive('must be a positive number of milliseconds').optional(),
  version: z.string().min(1).optional(),
  branch: z.string().min(1).optional(),
  compare: z.boolean().optional(),
  partialThrottleMs: z.number().int().nonnegative().optional(),
  gate: z
    .union([
      z.literal(false),
      z.strictObject({
        baseline: z.string().min(1).optional(),
        alpha: z.number().gt(0).max(1).optional(),
        failOn: z.array(z.enum(GATE_FAIL_ON)).optional(),
      }),
    ])
    .optional(),
  junit: z
    .custom<string | false>(
      (value) => value === false || (typeof value === 'string' && value.trim() !== ''),
      "must be a file path such as 'reports/evals.xml', or false",
    )
    .optional(),
  github: z.boolean().optional(),
  progress: z.boolean().optional(),
  secrets: z
    .array(
      z
        .string()
        .regex(
          ENV_NAME,
          'must be an environment variable name such as "MY_SERVICE_PASSPHRASE" (name the variables whose values are secret, never the values)',
        ),
    )
    .optional(),
  gateway: z
    .union([
      z.literal(false),
      z.strictObject({
        upstreams: z
          .strictObject(
            Object.fromEntries(
              ['anthropic', 'openai', 'gemini'].map((name) => [
                name,
                z
                  .strictObject({
                    baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
                    apiKeyEnv: envNameSchema().optional(),
                  })
                  .optional(),
              ]),
            ),
          )
          .optional(),
        pricing: pricingSchema().optional(),
      }),
    ])
    .optional(),
  budget: z
    .strictObject({ maxCostUsd: z.number().positive('must be a positive number of USD').finite().optional() })
    .optional(),
}))

/** Options of `new EvalReporter()`: the project's, plus the projects it reports on. */
export const reporterOptionsSchema = lazy(() =>
  z.strictObject({
    ...projectOptionsShape(),
    projects: z.array(z.string()),
    print: z.custom<(text: string) => void>((v) => typeof v === 'function', 'must be a function').optional(),
  }),
)

/**
 * Checks project options where they are written (the Vitest config), so a misspelled key or
 * a bad value stops the run before any case instead of being ignored.
 */
export function parseProjectOptions<T>(api: string, schema: z.ZodType, options: T): T {
  parseOptions(schema, options, { api, error: invalidOptions, fix: 'Fix the options in the Vitest config.' })
  return options
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
  /** Set once the run's sandbox providers were started (globalSetup). */
  providersStarted?: boolean
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
      ...(options.secrets && { secrets: [...options.secrets] }),
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
