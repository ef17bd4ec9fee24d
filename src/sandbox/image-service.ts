import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { EvalboxError, errorMessage } from '../errors.ts'
import type { PullPolicy } from './docker/images.ts'

/** What a worker asks the image service for. */
export interface ImageRequest {
  image?: string
  pull?: PullPolicy
  /** Absolute build context and Dockerfile (relative to the context). */
  build?: { context: string; dockerfile?: string }
}

/** The image service of a run: its address, and how to stop it. */
export interface ImageService {
  url: string
  close(): Promise<void>
}

/**
 * A tiny HTTP service on 127.0.0.1 in the Vitest main process, so that an image is built
 * (or, with pull 'always', pulled) once per run however many workers and cases need it.
 * Requests with the same spec share one promise.
 */
export async function startImageService(log: (message: string) => void = () => {}): Promise<ImageService> {
  const { buildImage, ensureImage } = await import('./docker/images.ts')
  const done = new Map<string, Promise<string>>()
  const resolve = (request: ImageRequest): Promise<string> => {
    const { build } = request
    const key = JSON.stringify([request.image, request.pull, build?.context, build?.dockerfile])
    let image = done.get(key)
    if (!image) {
      const started = Date.now()
      image = build
        ? buildImage({ context: build.context, dockerfile: build.dockerfile }).then((tag) => {
            log(
              `evalbox: image ${tag} ready for this run (from ${build.context}, ${Date.now() - started} ms)`,
            )
            return tag
          })
        : ensureImage(request.image!, request.pull ?? 'missing').then(() => request.image!)
      done.set(key, image)
    }
    return image
  }
  const server = createServer((req, res) => {
    void handle(req, res, resolve)
  })
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((closed) => server.close(() => closed())),
  }
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  resolve: (r: ImageRequest) => Promise<string>,
) {
  const reply = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  if (req.method !== 'POST' || req.url !== '/images') return reply(404, { error: 'not found' })
  try {
    let text = ''
    for await (const chunk of req) text += chunk
    const request = JSON.parse(text) as ImageRequest
    if (!request.image && !request.build) return reply(400, { error: 'image or build is required' })
    reply(200, { image: await resolve(request) })
  } catch (error) {
    const code = error instanceof EvalboxError ? error.code : 'IMAGE_UNAVAILABLE'
    reply(500, { error: errorMessage(error), code })
  }
}

/**
 * Asks the run's image service for an image (worker side). Errors come back as the same
 * `EvalboxError` the main process hit.
 */
export async function requestImage(url: string, request: ImageRequest): Promise<string> {
  let response: Response
  try {
    response = await fetch(`${url}/images`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    })
  } catch (error) {
    throw new EvalboxError(
      'IMAGE_UNAVAILABLE',
      `The run's image service at ${url} did not answer (${errorMessage(error)}); the Vitest main process may have ended.`,
      { cause: error },
    )
  }
  const body = (await response.json()) as { image?: string; error?: string; code?: EvalboxError['code'] }
  if (!response.ok || !body.image) {
    throw new EvalboxError(
      body.code ?? 'IMAGE_UNAVAILABLE',
      body.error ?? `image service answered ${response.status}`,
    )
  }
  return body.image
}
