import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { TestProjectInlineConfiguration } from 'vitest/config'
import * as z from 'zod'
import { DEFAULT_GRADE_TIMEOUT_MS, DEFAULT_TIMEOUT_MS } from '../core/defaults.ts'
import { lazy } from '../core/lazy.ts'
import { type EvalboxProjectOptions, parseProjectOptions, projectOptionsShape } from '../run/run-state.ts'
import { evalboxPlugin } from './plugin.ts'

/** Options of `evalsProject()`. */
export interface EvalsProjectOptions extends EvalboxProjectOptions {
  /** Project name, for `vitest --project <name>`. @default 'evals' */
  name?: string
  /** Eval files. @default ['evals/**\/*.eval.ts'] */
  include?: string[]
  /** Cases running at once in one file. @default 5 */
  maxConcurrency?: number
  /** Extra Vitest test options, laid over evalbox's. */
  test?: NonNullable<TestProjectInlineConfiguration['test']>
}

const projectSchema = lazy(() =>
  z.strictObject({
    ...projectOptionsShape(),
    name: z.string().min(1).optional(),
    include: z.array(z.string().min(1)).min(1).optional(),
    maxConcurrency: z.number().int().positive().optional(),
    test: z
      .custom<object>(
        (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
        'must be an object of Vitest test options',
      )
      .optional(),
  }),
)

/**
 * The Vitest project that runs evals: eval files, eval-friendly timeouts, the run's
 * globalSetup and the plugin that adds the eval reporter.
 *
 * @example
 * export default defineConfig({ test: { projects: [evalsProject()] } })
 */
export function evalsProject(options: EvalsProjectOptions = {}): TestProjectInlineConfiguration {
  parseProjectOptions('evalsProject()', projectSchema(), options)
  const { name = 'evals', include = ['evals/**/*.eval.ts'], maxConcurrency = 5, test = {}, ...rest } = options
  return {
    plugins: [evalboxPlugin(rest)],
    test: {
      name,
      include,
      testTimeout: (rest.timeout ?? DEFAULT_TIMEOUT_MS) + DEFAULT_GRADE_TIMEOUT_MS,
      hookTimeout: 120_000,
      maxConcurrency,
      ...test,
      // The run's own setup always comes first; the user's global setups are added, not swapped in.
      globalSetup: [besideThisModule('global-setup'), ...toArray(test.globalSetup)],
      // Eval code's console output is redacted before anything of the user's runs.
      setupFiles: [besideThisModule('redact-console'), ...toArray(test.setupFiles)],
    },
  }
}

function toArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value]
}

/** A setup file beside this module: `.ts` when running from source, `.js` when built. */
function besideThisModule(name: string): string {
  for (const candidate of [`./${name}.js`, `./${name}.ts`]) {
    const path = fileURLToPath(new URL(candidate, import.meta.url))
    if (existsSync(path)) return path
  }
  throw new Error(`evalbox: ${name} not found next to ${fileURLToPath(import.meta.url)}; reinstall evalbox`)
}
