import { startImageService } from '../sandbox/image-service.ts'
import { onInterrupt } from './interrupt.ts'
import type { RunState } from './run-state.ts'

/**
 * Run-level Docker work, once in the main process when the run can use Docker: remove what
 * dead runs left behind, start the image service (one build per run), and make sure every
 * container of this run is removed at the end — also when the run is interrupted.
 */
export async function prepareDockerRun(state: RunState, log: (message: string) => void): Promise<void> {
  const { removeRunContainers, spawnReaper, sweepOrphans } = await import('../sandbox/docker/lifecycle.ts')
  const swept = await sweepOrphans(state.runId).catch(() => 0)
  if (swept > 0) log(`evalbox: removed ${swept} container(s) left by runs that no longer exist`)
  const service = await startImageService(log)
  state.settings.brokerUrl = service.url
  state.cleanups.add(async () => {
    await service.close()
    await removeRunContainers(state.runId)
  })
  onInterrupt(() => spawnReaper(state.runId))
}
