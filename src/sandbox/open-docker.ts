import { EvalboxError } from '../errors.ts'
import type { RunSettings } from '../eval/settings.ts'
import { acquireDockerSandbox } from './docker/warm-pool.ts'
import { requestImage } from './image-service.ts'
import { hostPath } from './open.ts'
import type { SandboxSpec } from './spec.ts'
import type { Sandbox } from './types.ts'

/**
 * Makes a docker sandbox for a case from its spec. Builds (and pulls with policy 'always')
 * go through the run's image service, so they happen once per run in the main process.
 */
export async function openDockerSandbox(
  spec: SandboxSpec,
  settings: RunSettings,
  extra: { workspace: string | undefined; labels: Record<string, string> },
): Promise<Sandbox> {
  const image = await resolveImage(spec, settings)
  return acquireDockerSandbox(
    {
      image,
      // A built or once-pulled image is on the engine now; a plain image is checked as usual.
      pull: spec.build || spec.pull === 'always' ? 'never' : spec.pull,
      workspace: extra.workspace,
      workdir: spec.workdir,
      env: spec.env,
      limits: spec.limits,
      network: spec.network,
      user: spec.user,
      readOnlyRoot: spec.readOnlyRoot,
      outputs: spec.outputs,
      labels: extra.labels,
    },
    spec.warm ?? 0,
  )
}

async function resolveImage(spec: SandboxSpec, settings: RunSettings): Promise<string> {
  if (!spec.image && !spec.build) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      'A docker sandbox needs an image: set `sandbox: { image }` (or `build`) on the eval or in evalsProject({ sandbox }).',
    )
  }
  if (!spec.build && spec.pull !== 'always') return spec.image!
  const request = {
    image: spec.image,
    pull: spec.pull,
    build: spec.build && {
      context: hostPath(settings.root, spec.build.context),
      dockerfile: spec.build.dockerfile,
    },
  }
  if (settings.brokerUrl) return requestImage(settings.brokerUrl, request)
  // Outside an evals project there is no main-process service: build or pull here.
  const { buildImage, ensureImage } = await import('./docker/images.ts')
  if (request.build) return buildImage(request.build)
  await ensureImage(spec.image!, 'always')
  return spec.image!
}
