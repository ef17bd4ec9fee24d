import type { TestProject } from 'vitest/node'
import { onInterrupt, runCleanups } from '../run/interrupt.ts'
import { startRunGateway } from '../run/model-gateway.ts'
import { currentRun } from '../run/run-state.ts'
import { runLabels } from '../sandbox/labels.ts'
import { chooseProvider } from '../sandbox/open.ts'
import { cleanupRun, prepareRun, type RunContext } from '../sandbox/providers.ts'
import { checkResultsDirWritable } from '../store/results-dir.ts'

/**
 * The evals project's globalSetup, run once in the Vitest main process: it starts the run
 * (run id, results dir, which must be writable, else the run stops before any case), starts
 * the sandbox providers the run can use (which decides what `sandbox: 'auto'` means), and
 * hands the settings to the workers. Its teardown removes whatever the run left (containers).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const state = currentRun(project.name)
  if (!state.providersStarted) {
    checkResultsDirWritable(state.resultsDir)
    const { settings } = state
    const run: RunContext = {
      settings,
      labels: runLabels(settings),
      log: (message) => project.vitest.logger.log(message),
      onInterrupt: (hook) => void onInterrupt(hook),
      providerOf: (spec) => chooseProvider(spec, settings),
    }
    state.cleanups.add(() => cleanupRun(run))
    // Before the providers: Docker's warm containers get the gateway's socket mounted.
    if (state.options.gateway !== false) state.cleanups.add(await startRunGateway(state, run.log))
    await prepareRun(run)
    state.providersStarted = true
  }
  project.provide('evalbox', state.settings)
  return () => runCleanups(state)
}
