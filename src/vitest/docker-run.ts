import { errorMessage } from '../errors.ts'
import { runLabels } from '../sandbox/labels.ts'
import { chooseProvider } from '../sandbox/open.ts'
import { dockerOptions, imageRequest } from '../sandbox/open-docker.ts'
import { startSandboxService } from '../sandbox/sandbox-service.ts'
import { onInterrupt } from './interrupt.ts'
import type { RunState } from './run-state.ts'

/**
 * Run-level Docker work, once in the main process when the run can use Docker: remove what
 * dead runs left behind, start the sandbox service (one build per run, the warm pools), fill
 * the warm pool of the project's default spec before the first case, and make sure every
 * container of this run is removed at the end — also when the run is interrupted.
 */
export async function prepareDockerRun(state: RunState, log: (message: string) => void): Promise<void> {
  const { removeRunContainers, spawnReaper, sweepOrphans } = await import('../sandbox/docker/lifecycle.ts')
  const swept = await sweepOrphans(state.runId).catch(() => 0)
  if (swept > 0) log(`evalbox: removed ${swept} container(s) left by runs that no longer exist`)
  const labels = runLabels(state.settings)
  const service = await startSandboxService({ root: state.root, labels, log })
  state.settings.brokerUrl = service.url
  state.settings.brokerToken = service.token
  state.cleanups.add(async () => {
    await service.close()
    await removeRunContainers(state.runId)
  })
  onInterrupt(() => spawnReaper(state.runId))

  const spec = state.settings.sandboxDefaults
  if (spec?.warm && chooseProvider(spec, state.settings) === 'docker') {
    // The pool is full before the first case starts, so the first cases start warm too. A
    // failure here shows again, clearly, in the first case that needs a container.
    const started = Date.now()
    try {
      const image = await service.image(imageRequest(spec, state.root))
      await service.prewarm(dockerOptions(spec, image, { labels }), spec.warm)
      log(`evalbox: ${spec.warm} warm container(s) of ${image} ready (${Date.now() - started} ms)`)
    } catch (error) {
      log(`evalbox: could not prepare warm containers: ${errorMessage(error)}`)
    }
  }
}
