import { errorMessage } from '../../core/errors.ts'
import { engineOptions, unreachableError } from './engine.ts'

/** The outcome of asking the engine whether it is there. */
export type ProbeResult = { ok: true; endpoint: string } | { ok: false; endpoint: string; message: string }

/**
 * Asks the Docker engine `GET /_ping` without loading a Docker client, so it is cheap enough
 * for the start of every run. The address comes from `DOCKER_HOST` exactly as for real use
 * (`engineOptions`); ssh engines are asked through the client.
 */
export async function probeEngine(timeoutMs = 2_000): Promise<ProbeResult> {
  let target: ReturnType<typeof engineOptions>
  try {
    target = engineOptions()
  } catch (error) {
    return { ok: false, endpoint: process.env.DOCKER_HOST ?? '', message: errorMessage(error) }
  }
  const { options, endpoint } = target
  if (options.protocol === 'ssh') {
    const { pingEngine } = await import('./engine.ts')
    return pingEngine().then(
      () => ({ ok: true, endpoint }) as const,
      (error: unknown) => ({ ok: false, endpoint, message: errorMessage(error) }) as const,
    )
  }
  const secure = options.protocol === 'https'
  // Loaded here, not with evalbox: workers never probe, and node:https brings TLS.
  const { request: send } = secure ? await import('node:https') : await import('node:http')
  return new Promise((resolve) => {
    const fail = (error: unknown) => {
      request.destroy()
      resolve({ ok: false, endpoint, message: unreachableError(endpoint, error).message })
    }
    const request = send(
      {
        method: 'GET',
        path: '/_ping',
        timeout: timeoutMs,
        ...(options.socketPath
          ? { socketPath: options.socketPath }
          : { host: options.host, port: Number(options.port) }),
        ...(secure && { ca: options.ca, cert: options.cert, key: options.key }),
      },
      (response) => {
        response.resume()
        request.destroy()
        if (response.statusCode === 200) resolve({ ok: true, endpoint })
        else fail({ statusCode: response.statusCode })
      },
    )
    request.on('timeout', () => fail(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' })))
    request.on('error', fail)
    request.end()
  })
}
