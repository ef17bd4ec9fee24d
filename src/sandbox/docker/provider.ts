import type { SandboxProvider } from '../types.ts'
import { probeEngine } from './engine-probe.ts'

/**
 * The docker provider: a hardened container per case. Its run-level work (orphan sweep, the
 * run's sandbox service, warm pools, removal at the end) is in `run.ts`; the Docker client is
 * loaded only once a run or a case uses Docker.
 */
export const dockerProvider: SandboxProvider = {
  name: 'docker',
  serves: (spec) => Boolean(spec.image || spec.build),
  probe: async () => {
    const probe = await probeEngine()
    return probe.ok ? undefined : { code: 'DOCKER_UNREACHABLE', message: probe.message }
  },
  prepareRun: async (run) => (await import('./run.ts')).prepareDockerRun(run),
  cleanupRun: async (run) => (await import('./run.ts')).cleanupDockerRun(run),
  warmUp: async (spec, settings) => (await import('./open-docker.ts')).warmUpDocker(spec, settings),
  open: async (spec, { settings, workspace, labels }) =>
    (await import('./open-docker.ts')).openDockerSandbox(spec, settings, { workspace, labels }),
}
