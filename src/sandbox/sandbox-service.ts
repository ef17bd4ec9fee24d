import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { EvalboxError, errorMessage } from '../errors.ts'
import type { DockerSandboxOptions } from './docker/container-config.ts'
import type { PullPolicy } from './docker/images.ts'

/** What a worker asks for an image. */
export interface ImageRequest {
  image?: string
  pull?: PullPolicy
  /** Absolute build context and Dockerfile (relative to the context). */
  build?: { context: string; dockerfile?: string }
}

/** The sandbox service of a run: its address, and what it does in-process too. */
export interface SandboxService {
  url: string
  /** The image for a request, built or pulled once per run. */
  image(request: ImageRequest): Promise<string>
  /** Fills the warm pool of a container spec (before the first case); resolves when full. */
  prewarm(spec: DockerSandboxOptions, warm: number): Promise<void>
  /** Stops the service and removes the containers still waiting in the pools. */
  close(): Promise<void>
}

/**
 * A tiny HTTP service on 127.0.0.1 in the Vitest main process, for what must happen once per
 * run however many workers ask: an image is built (or, with pull 'always', pulled) once, and
 * the warm pools of fresh containers live here, so every worker takes from the same pool and
 * the project's default spec is filled before the first case starts. A worker takes a
 * container by id and owns it from then on.
 */
export async function startSandboxService(
  log: (message: string) => void = () => {},
): Promise<SandboxService> {
  const { buildImage, ensureImage } = await import('./docker/images.ts')
  const { drainPools, prewarmPool, takeFromPool } = await import('./docker/warm-pool.ts')
  const done = new Map<string, Promise<string>>()
  const image = (request: ImageRequest): Promise<string> => {
    const { build } = request
    const key = JSON.stringify([request.image, request.pull, build?.context, build?.dockerfile])
    let made = done.get(key)
    if (!made) {
      const started = Date.now()
      made = build
        ? buildImage({ context: build.context, dockerfile: build.dockerfile }).then((tag) => {
            log(
              `evalbox: image ${tag} ready for this run (from ${build.context}, ${Date.now() - started} ms)`,
            )
            return tag
          })
        : ensureImage(request.image!, request.pull ?? 'missing').then(() => request.image!)
      done.set(key, made)
    }
    return made
  }
  const routes: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    '/images': async (body) => {
      const request = body as ImageRequest
      if (!request.image && !request.build)
        throw new EvalboxError('INVALID_OPTIONS', 'image or build is required')
      return { image: await image(request) }
    },
    '/ping': async () => ({}),
    '/sandboxes': async (body) => {
      const sandbox = await takeFromPool(body.spec as DockerSandboxOptions, Number(body.warm))
      return { id: sandbox.id }
    },
  }
  const server = createServer((req, res) => {
    void handle(req, res, routes)
  })
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    image,
    prewarm: (spec, warm) => prewarmPool(spec, warm),
    close: async () => {
      await new Promise((closed) => server.close(() => closed(undefined)))
      await drainPools()
    },
  }
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
async function call<T>(url: string, path: string, body: unknown): Promise<T> {
  let status: number
  let text: string
  try {
    ;({ status, text } = await post(`${url}${path}`, JSON.stringify(body)))
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

function post(url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
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

/** Says hello to the run's sandbox service (opens the connection a first case would). */
export async function pingService(url: string): Promise<void> {
  await call(url, '/ping', {})
}

/** Asks the run's sandbox service for an image (built or pulled once per run). */
export async function requestImage(url: string, request: ImageRequest): Promise<string> {
  return (await call<{ image: string }>(url, '/images', request)).image
}

/** Takes a fresh container of `spec` from the run's warm pool; returns its id. */
export async function requestSandbox(url: string, spec: DockerSandboxOptions, warm: number): Promise<string> {
  return (await call<{ id: string }>(url, '/sandboxes', { spec, warm })).id
}
