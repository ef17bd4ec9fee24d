import type { TestProject } from 'vitest/node'
import { runCleanups } from './interrupt.ts'
import { currentRun, decideAutoProvider } from './run-state.ts'

/**
 * The evals project's globalSetup, run once in the Vitest main process: it starts the run
 * (run id, results dir), decides what `sandbox: 'auto'` means, and hands the settings to
 * the workers. Its teardown removes whatever the run left (containers).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const state = currentRun(project.name)
  await decideAutoProvider(state)
  project.provide('evalbox', state.settings)
  return () => runCleanups(state)
}
