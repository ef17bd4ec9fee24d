import { errorMessage } from '../../core/errors.ts'
import type { RunContext } from '../types.ts'
import { removeRunContainers, spawnReaper, sweepOrphans } from './lifecycle.ts'
import { dockerOptions, imageRequest } from './open-docker.ts'
import { type SandboxService, startSandboxService } from './sandbox-service.ts'

const services = new Map<string, SandboxService>()

/**
 * Run-level Docker work, once in the main process when the engine answers: remove what dead
 * runs left behind, start the sandbox service (one build per run, the warm pools), fill the
 * warm pool of the project's default spec before the first case, and make sure every
 * container of this run is removed at the end — also when the run is interrupted.
 */
export async function prepareDockerRun(run: RunContext): Promise<void> {
  const { settings, labels, log } = run
  const swept = await sweepOrphans(settings.runId).catch(() => 0)
  if (swept > 0) log(`evalbox: removed ${swept} container(s) left by runs that no longer exist`)
  const service = await startSandboxService({ root: settings.root, labels, log })
  services.set(settings.runId, service)
  settings.brokerUrl = service.url
  settings.brokerToken = service.token
  run.onInterrupt(() => spawnReaper(settings.runId))

  const spec = settings.sandboxDefaults
  if (spec?.warm && run.providerOf(spec) === 'docker') {
    // The pool is full before the first case starts, so the first cases start warm too. A
    // failure here shows again, clearly, in the first case that needs a container.
    const started = Date.now()
    try {
      const image = await service.image(imageRequest(spec, settings.root))
      await service.prewarm(dockerOptions(spec, image, { labels }), spec.warm)
      log(`evalbox: ${spec.warm} warm container(s) of ${image} ready (${Date.now() - started} ms)`)
    } catch (error) {
      log(`evalbox: could not prepare warm containers: ${errorMessage(error)}`)
    }
  }
}

/** Stops the run's service (its pools drained) and removes every container of the run. */
export async function cleanupDockerRun(run: RunContext): Promise<void> {
  const { runId } = run.settings
  const service = services.get(runId)
  services.delete(runId)
  await service?.close()
  await removeRunContainers(runId)
}
