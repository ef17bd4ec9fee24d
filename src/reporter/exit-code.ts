import type { SerializedError } from 'vitest'
import type { TestModule } from 'vitest/node'
import type { TierEnd } from './conclude.ts'

/**
 * Whether every failure of the run is a failed eval case the gate judged: no unhandled
 * errors, no errors while loading a file or in a suite's hooks, and no failing test outside
 * the evals projects. Only then may a passing gate clear the exit code Vitest set.
 */
export function onlyEvalFailures(
  modules: ReadonlyArray<TestModule>,
  errors: ReadonlyArray<SerializedError>,
  evalProjects: ReadonlySet<string>,
): boolean {
  if (errors.length > 0) return false
  for (const module of modules) {
    if (!evalProjects.has(module.project.name)) {
      if (module.state() === 'failed') return false
      continue
    }
    if (module.errors().length > 0) return false
    for (const suite of module.children.allSuites()) if (suite.errors().length > 0) return false
  }
  return true
}

/**
 * The exit code the gate asks for: `1` when any tier's gate failed; `0` when every tier was
 * gated and passed and the run's failures are all judged eval cases (flaky or steady failures
 * a gate lets through); `undefined` to leave Vitest's exit code alone.
 */
export function gateExitCode(tiers: readonly TierEnd[], onlyEvals: boolean): 0 | 1 | undefined {
  if (tiers.some((t) => t.gate?.ok === false)) return 1
  if (tiers.length > 0 && onlyEvals && tiers.every((t) => t.gate?.ok === true)) return 0
  return undefined
}
