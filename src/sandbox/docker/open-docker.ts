import { EvalboxError } from '../../core/errors.ts'
import { hostPath } from '../paths.ts'
import type { RunSettings, Sandbox, SandboxSpec } from '../types.ts'
import type { DockerSandboxOptions } from './container-config.ts'
import {
  type ImageRequest,
  pingService,
  requestImage,
  requestSandbox,
  type ServiceAddress,
} from './sandbox-service.ts'
import { acquireDockerSandbox } from './warm-pool.ts'

/**
 * Makes a docker sandbox for a case from its spec. Builds (and pulls with policy 'always')
 * go through the run's sandbox service, so they happen once per run in the main process; so
 * do warm pools, whose containers every worker takes from.
 */
export async function openDockerSandbox(
  spec: SandboxSpec,
  settings: RunSettings,
  extra: { workspace: string | undefined; labels: Record<string, string> },
): Promise<Sandbox> {
  const service = serviceOf(settings)
  // Before this worker's first container: the run removes its containers at the end only if told.
  if (service) await announce(service)
  const image = await resolveImage(spec, settings)
  return acquireDockerSandbox(
    dockerOptions(spec, image, { ...extra, gatewayDir: settings.gatewayDir }),
    spec.warm ?? 0,
    service ? (pooled, warm) => requestSandbox(service, pooled, warm) : undefined,
  )
}

const announced = new Map<string, Promise<void>>()

/** Pings `service` once per worker and service; a failure is left to the requests that follow. */
function announce(service: ServiceAddress): Promise<void> {
  let done = announced.get(service.url)
  if (!done) {
    done = pingService(service).catch(() => {})
    announced.set(service.url, done)
  }
  return done
}

/** The run's sandbox service, when there is one (in an evals run using Docker). */
function serviceOf(settings: RunSettings): ServiceAddress | undefined {
  const { brokerUrl, brokerToken } = settings
  return brokerUrl ? { url: brokerUrl, token: brokerToken ?? '' } : undefined
}

/**
 * Loads the Docker client and opens the connection to the run's service; resolves when
 * both are done. The image is looked up in the background (a pull may take long), with the
 * pull policy the case would use.
 */
export async function warmUpDocker(spec: SandboxSpec, settings: RunSettings): Promise<void> {
  const [{ getEngine }, { imageFacts }] = await Promise.all([import('./engine.ts'), import('./images.ts')])
  const service = serviceOf(settings)
  await Promise.allSettled([
    getEngine().then((engine) => {
      if (spec.image && !spec.build && spec.pull !== 'always')
        imageFacts(spec.image, spec.pull ?? 'missing', engine).catch(() => {})
    }),
    service ? pingService(service) : undefined,
  ])
}

/** The container options of a spec, once its image is known. */
export function dockerOptions(
  spec: SandboxSpec,
  image: string,
  extra: { workspace?: string; labels: Record<string, string>; gatewayDir?: string },
): DockerSandboxOptions {
  return {
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
    capAdd: spec.capAdd,
    noNewPrivileges: spec.noNewPrivileges,
    runtime: spec.runtime,
    outputs: spec.outputs,
    labels: extra.labels,
    gatewayDir: extra.gatewayDir,
  }
}

/** The image request of a spec (`build` paths resolved against the project root). */
export function imageRequest(spec: SandboxSpec, root: string): ImageRequest {
  return {
    image: spec.image,
    pull: spec.pull,
    build: spec.build && { context: hostPath(root, spec.build.context), dockerfile: spec.build.dockerfile },
  }
}

async function resolveImage(spec: SandboxSpec, settings: RunSettings): Promise<string> {
  if (!spec.image && !spec.build) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      'A docker sandbox needs an image: set `sandbox: { image }` (or `build`) on the eval or in evalsProject({ sandbox }).',
    )
  }
  if (!spec.build && spec.pull !== 'always') return spec.image!
  const request = imageRequest(spec, settings.root)
  const service = serviceOf(settings)
  if (service) return requestImage(service, request)
  // Outside an evals project there is no main-process service: build or pull here.
  const { buildImage, ensureImage } = await import('./images.ts')
  if (request.build) return buildImage(request.build)
  await ensureImage(spec.image!, 'always')
  return spec.image!
}
