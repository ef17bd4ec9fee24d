import { errorMessage } from '../../core/errors.ts'
import type { RunContext } from '../types.ts'
import { removeRunContainers, spawnReaper, sweepOrphans } from './lifecycle.ts'
import { dockerOptions, imageRequest } from './open-docker.ts'
import { type SandboxService, startSandboxService } from './sandbox-service.ts'

const services = new Map<string, { service: SandboxService; swept: () => Promise<void> | undefined }>()

/**
 * Run-level Docker work, once in the main process when the engine answers: start the sandbox
 * service (one build per run, the warm pools; a few ms, no Docker client), fill the warm pool
 * of the project's default spec before the first case, and, once the run uses Docker (a
 * worker's first container, a pool), remove what dead runs left behind and make sure every
 * container of this run is removed at the end — also when the run is interrupted. A run that
 * never uses Docker loads no Docker client and lists no containers.
 */
export async function prepareDockerRun(run: RunContext): Promise<void> {
  const { settings, labels, log } = run
  let sweep: Promise<void> | undefined
  const onFirstUse = () => {
    sweep = sweepOrphans(settings.runId).then(
      (swept) => {
        if (swept > 0) log(`evalbox: removed ${swept} container(s) left by runs that no longer exist`)
      },
      () => {},
    )
  }
  const service = await startSandboxService({ root: settings.root, labels, log, onFirstUse })
  services.set(settings.runId, { service, swept: () => sweep })
  settings.brokerUrl = service.url
  settings.brokerToken = service.token
  run.onInterrupt(() => {
    if (service.used) spawnReaper(settings.runId)
  })

  const spec = settings.sandboxDefaults
  if (spec?.warm && run.providerOf(spec) === 'docker') {
    // The pool is full before the first case starts, so the first cases start warm too. A
    // failure here shows again, clearly, in the first case that needs a container.
    const started = Date.now()
    try {
      const image = await service.image(imageRequest(spec, settings.root))
      await service.prewarm(
        dockerOptions(spec, image, { labels, gatewayDir: settings.gatewayDir }),
        spec.warm,
      )
      log(`evalbox: ${spec.warm} warm container(s) of ${image} ready (${Date.now() - started} ms)`)
    } catch (error) {
      log(`evalbox: could not prepare warm containers: ${errorMessage(error)}`)
    }
  }
}

/** Stops the run's service (its pools drained) and removes every container of the run, if it used Docker. */
export async function cleanupDockerRun(run: RunContext): Promise<void> {
  const { runId } = run.settings
  const started = services.get(runId)
  services.delete(runId)
  await started?.service.close()
  if (started && !started.service.used) return
  await started?.swept()
  await removeRunContainers(runId)
}
