import { EvalboxError } from '../errors.ts'
import type { RunSettings } from '../eval/settings.ts'
import { createDockerSandbox } from './docker/docker-sandbox.ts'
import { buildImage } from './docker/images.ts'
import { hostPath } from './open.ts'
import type { SandboxSpec } from './spec.ts'
import type { Sandbox } from './types.ts'

/** Makes a docker sandbox for a case from its spec (image ensured or built first). */
export async function openDockerSandbox(
  spec: SandboxSpec,
  settings: RunSettings,
  extra: { workspace: string | undefined; labels: Record<string, string> },
): Promise<Sandbox> {
  const image = spec.build
    ? await buildImage({
        context: hostPath(settings.root, spec.build.context),
        dockerfile: spec.build.dockerfile,
      })
    : spec.image
  if (!image) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      'A docker sandbox needs an image: set `sandbox: { image }` (or `build`) on the eval or in evalsProject({ sandbox }).',
    )
  }
  return createDockerSandbox({
    image,
    pull: spec.build ? 'never' : spec.pull,
    workspace: extra.workspace,
    workdir: spec.workdir,
    env: spec.env,
    limits: spec.limits,
    network: spec.network,
    user: spec.user,
    readOnlyRoot: spec.readOnlyRoot,
    outputs: spec.outputs,
    labels: extra.labels,
  })
}
