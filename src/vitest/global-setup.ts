import type { TestProject } from 'vitest/node'
import { checkResultsDirWritable } from '../store/results-dir.ts'
import { prepareDockerRun } from './docker-run.ts'
import { runCleanups } from './interrupt.ts'
import { currentRun, decideAutoProvider } from './run-state.ts'

/**
 * The evals project's globalSetup, run once in the Vitest main process: it starts the run
 * (run id, results dir, which must be writable, else the run stops before any case), decides
 * what `sandbox: 'auto'` means, prepares Docker when the run can use it, and hands the
 * settings to the workers. Its teardown removes whatever the run
 * left (containers).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const state = currentRun(project.name)
  const first = state.engineNotice === undefined
  if (first) checkResultsDirWritable(state.resultsDir)
  await decideAutoProvider(state)
  if (first && state.settings.autoProvider === 'docker') {
    await prepareDockerRun(state, (message) => project.vitest.logger.log(message))
  }
  project.provide('evalbox', state.settings)
  return () => runCleanups(state)
}
