import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { realpath } from 'node:fs/promises'
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { describeValue, EvalboxError, errorMessage } from '../../core/errors.ts'
import type { DockerSandboxOptions } from './container-config.ts'
import type { PullPolicy } from './images.ts'

/** What a worker asks for an image. */
export interface ImageRequest {
  image?: string
  pull?: PullPolicy
  /** Absolute build context and Dockerfile (relative to the context). */
  build?: { context: string; dockerfile?: string }
}

/** Where a worker reaches the run's sandbox service, and the secret every request carries. */
export interface ServiceAddress {
  url: string
  token: string
}

/** The sandbox service of a run: its address, and what it does in-process too. */
export interface SandboxService extends ServiceAddress {
  /** The image for a request, built or pulled once per run. */
  image(request: ImageRequest): Promise<string>
  /** Fills the warm pool of a container spec (before the first case); resolves when full. */
  prewarm(spec: DockerSandboxOptions, warm: number): Promise<void>
  /** Stops the service and removes the containers still waiting in the pools. */
  close(): Promise<void>
  /**
   * True once a worker said it uses Docker (every worker does before its first container) or
   * a pool was filled here: a run that never did has no containers to remove.
   */
  readonly used: boolean
}

/** What the service is for: the run it serves. */
export interface SandboxServiceOptions {
  /** The project root: build contexts (and their Dockerfiles) must be inside it. */
  root: string
  /** The run's labels (`runLabels`): every container the service makes carries them. */
  labels: Record<string, string>
  log?: (message: string) => void
  /** Called once, on the first use of Docker in the run (see `SandboxService.used`). */
  onFirstUse?: () => void
}

/** Most warm containers one spec may ask for. */
const MAX_WARM = 64

/**
 * A tiny HTTP service on 127.0.0.1 in the Vitest main process, for what must happen once per
 * run however many workers ask: an image is built (or, with pull 'always', pulled) once, and
 * the warm pools of fresh containers live here, so every worker takes from the same pool and
 * the project's default spec is filled before the first case starts. A worker takes a
 * container by id and owns it from then on.
 *
 * Any local process can connect to a loopback port, so every request must carry the run's
 * secret (32 random bytes, handed to workers with Vitest's `provide`, which travels over the
 * worker channel, never through argv or the environment); requests without it get 401 and
 * are never acted on. Build contexts and their Dockerfiles must lie inside the project root
 * (after symlinks), and every container made here carries the run's labels, whatever the
 * request says.
 */
export async function startSandboxService(options: SandboxServiceOptions): Promise<SandboxService> {
  const { log = () => {} } = options
  let used = false
  const use = () => {
    if (used) return
    used = true
    options.onFirstUse?.()
  }
  const root = await realpath(options.root)
  const { buildImage, ensureImage } = await import('./images.ts')
  const { drainPools, prewarmPool, takeFromPool } = await import('./warm-pool.ts')
  const token = randomBytes(32).toString('base64url')
  const tokenDigest = digest(token)
  const done = new Map<string, Promise<string>>()
  const image = (request: ImageRequest): Promise<string> => {
    const { build } = request
    const key = JSON.stringify([request.image, request.pull, build?.context, build?.dockerfile])
    let made = done.get(key)
    if (!made) {
      const started = Date.now()
      made = build
        ? confineBuild(root, build).then((confined) =>
            buildImage(confined).then((tag) => {
              log(
                `evalbox: image ${tag} ready for this run (from ${build.context}, ${Date.now() - started} ms)`,
              )
              return tag
            }),
          )
        : ensureImage(request.image!, request.pull ?? 'missing').then(() => request.image!)
      done.set(key, made)
    }
    return made
  }
  // Whatever labels a request brings, the container is the run's.
  const owned = (spec: DockerSandboxOptions): DockerSandboxOptions => ({
    ...spec,
    labels: { ...spec.labels, ...options.labels },
  })
  const routes: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    '/images': async (body) => {
      const request = body as ImageRequest
      if (!request.image && !request.build)
        throw new EvalboxError('INVALID_OPTIONS', 'image or build is required')
      return { image: await image(request) }
    },
    '/ping': async () => ({}),
    '/sandboxes': async (body) => {
      const warm = Number(body.warm)
      if (!Number.isInteger(warm) || warm < 1 || warm > MAX_WARM) {
        throw new EvalboxError(
          'INVALID_OPTIONS',
          `Expected \`warm\` to be a whole number from 1 to ${MAX_WARM}, got ${describeValue(body.warm)}`,
        )
      }
      const sandbox = await takeFromPool(owned(body.spec as DockerSandboxOptions), warm)
      return { id: sandbox.id }
    },
  }
  const server = createServer((req, res) => {
    if (!authorized(req, tokenDigest)) {
      // Not read, not acted on: the body is dropped with the connection.
      res.writeHead(401, { 'content-type': 'application/json', connection: 'close' })
      res.end(JSON.stringify({ error: 'unauthorized: this service takes requests of its own run only' }))
      return
    }
    use()
    void handle(req, res, routes)
  })
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    image,
    prewarm: (spec, warm) => {
      use()
      return prewarmPool(owned(spec), warm)
    },
    get used() {
      return used
    },
    close: async () => {
      await new Promise((closed) => server.close(() => closed(undefined)))
      await drainPools()
    },
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

/** `Authorization: Bearer <token>`, compared in constant time (digests have equal length). */
function authorized(req: IncomingMessage, tokenDigest: Buffer): boolean {
  const header = req.headers.authorization
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return false
  return timingSafeEqual(digest(header.slice('Bearer '.length)), tokenDigest)
}

/**
 * The build context and Dockerfile of a request, after symlinks, when both lie inside the
 * project root; else an `INVALID_OPTIONS` error naming the path. The Dockerfile comes back
 * relative to the context.
 */
export async function confineBuild(
  root: string,
  build: { context: string; dockerfile?: string },
): Promise<{ context: string; dockerfile: string }> {
  const refuse = (what: string, path: string, inside: string) =>
    new EvalboxError(
      'INVALID_OPTIONS',
      `The build ${what} ${describeValue(path)} is outside ${inside}; the run's sandbox service builds ` +
        `only from folders of the project. Move it into the project and point \`build\` at it.`,
    )
  if (typeof build?.context !== 'string' || !isAbsolute(build.context)) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `Expected the build context to be an absolute path, got ${describeValue(build?.context)}`,
    )
  }
  const context = await realpath(build.context).catch(() => {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `The build context ${describeValue(build.context)} does not exist. Point \`build.context\` at a folder of the project.`,
    )
  })
  if (!within(root, context)) throw refuse('context', build.context, `the project root ${root}`)
  const named = resolve(context, build.dockerfile ?? 'Dockerfile')
  const dockerfile = await realpath(named).catch(() => named)
  if (!within(context, dockerfile)) throw refuse('Dockerfile', named, `its context ${context}`)
  return { context, dockerfile: relative(context, dockerfile) }
}

function within(parent: string, path: string): boolean {
  const rel = relative(parent, path)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  routes: Record<string, (body: Record<string, unknown>) => Promise<unknown>>,
) {
  const reply = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  const route = req.method === 'POST' ? routes[req.url ?? ''] : undefined
  if (!route) return reply(404, { error: 'not found' })
  try {
    let text = ''
    for await (const chunk of req) text += chunk
    reply(200, await route(JSON.parse(text) as Record<string, unknown>))
  } catch (error) {
    const code = error instanceof EvalboxError ? error.code : 'SANDBOX_UNAVAILABLE'
    reply(500, { error: errorMessage(error), code })
  }
}

// node:http rather than fetch: the Docker client loads it anyway, while a worker's first
// fetch would load and compile undici on the way of its first cases.
const agent = new Agent({ keepAlive: true })

/** Calls the run's sandbox service (worker side); its errors come back as the same `EvalboxError`. */
async function call<T>(service: ServiceAddress, path: string, body: unknown): Promise<T> {
  const { url } = service
  let status: number
  let text: string
  try {
    ;({ status, text } = await post(service, path, JSON.stringify(body)))
  } catch (error) {
    throw new EvalboxError(
      'SANDBOX_UNAVAILABLE',
      `The run's sandbox service at ${url} did not answer (${errorMessage(error)}); the Vitest main process may have ended.`,
      { cause: error },
    )
  }
  let answer: T & { error?: string; code?: EvalboxError['code'] }
  try {
    answer = JSON.parse(text)
  } catch {
    throw new EvalboxError(
      'SANDBOX_UNAVAILABLE',
      `The run's sandbox service at ${url} answered ${status} with no JSON`,
    )
  }
  if (status !== 200) {
    throw new EvalboxError(
      answer.code ?? 'SANDBOX_UNAVAILABLE',
      answer.error ?? `sandbox service answered ${status}`,
    )
  }
  return answer
}

function post(
  service: ServiceAddress,
  path: string,
  body: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${service.url}${path}`,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${service.token}` },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/**
 * Says hello to the run's sandbox service: opens the connection a first case would, and tells
 * the run it uses Docker (its orphan sweep and final container removal depend on that).
 */
export async function pingService(service: ServiceAddress): Promise<void> {
  await call(service, '/ping', {})
}

/** Asks the run's sandbox service for an image (built or pulled once per run). */
export async function requestImage(service: ServiceAddress, request: ImageRequest): Promise<string> {
  return (await call<{ image: string }>(service, '/images', request)).image
}

/** Takes a fresh container of `spec` from the run's warm pool; returns its id. */
export async function requestSandbox(
  service: ServiceAddress,
  spec: DockerSandboxOptions,
  warm: number,
): Promise<string> {
  return (await call<{ id: string }>(service, '/sandboxes', { spec, warm })).id
}
