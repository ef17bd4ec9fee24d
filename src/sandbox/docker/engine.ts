import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type Docker from 'dockerode'
import type { DockerOptions } from 'dockerode'
import { describeValue, EvalboxError, errorMessage } from '../../core/errors.ts'

/** A Docker client and the address it talks to, as shown in error messages. */
export interface Engine {
  docker: Docker
  /** `unix:///var/run/docker.sock`, or the `DOCKER_HOST` value. */
  endpoint: string
}

/** What the engine said about itself. */
export interface EngineInfo {
  endpoint: string
  version: string
  apiVersion: string
  os: string
  arch: string
}

const DEFAULT_SOCKET = '/var/run/docker.sock'
const PING_TIMEOUT_MS = 10_000

/**
 * Where to connect, from `DOCKER_HOST` (`unix://`, `npipe://`, `tcp://host:port`,
 * `ssh://user@host`), `DOCKER_TLS_VERIFY` and `DOCKER_CERT_PATH`; the default socket
 * otherwise. Pure apart from reading TLS files.
 */
export function engineOptions(env: NodeJS.ProcessEnv = process.env): {
  options: DockerOptions
  endpoint: string
} {
  const host = env.DOCKER_HOST?.trim()
  // Every key is set so that docker-modem's own DOCKER_HOST parsing cannot win over ours.
  const base = {
    socketPath: undefined,
    host: undefined,
    port: undefined,
    protocol: undefined,
  } as DockerOptions
  if (!host) return { options: { ...base, socketPath: DEFAULT_SOCKET }, endpoint: `unix://${DEFAULT_SOCKET}` }
  if (host.startsWith('unix://') || host.startsWith('npipe://')) {
    const socketPath = host.replace(/^\w+:\/\//, '') || DEFAULT_SOCKET
    return { options: { ...base, socketPath }, endpoint: host }
  }
  let url: URL
  try {
    url = new URL(host.includes('://') ? host : `tcp://${host}`)
  } catch (cause) {
    throw new EvalboxError(
      'DOCKER_UNREACHABLE',
      `DOCKER_HOST=${describeValue(host)} is not an address. Use unix:///path/docker.sock, tcp://host:2375 or ssh://user@host.`,
      { cause },
    )
  }
  if (url.protocol === 'ssh:') {
    const options: DockerOptions = { ...base, protocol: 'ssh', host: url.hostname, port: url.port || 22 }
    if (url.username) options.username = decodeURIComponent(url.username)
    if (env.SSH_AUTH_SOCK) options.sshOptions = { agent: env.SSH_AUTH_SOCK }
    return { options, endpoint: host }
  }
  const tls = Boolean(env.DOCKER_TLS_VERIFY)
  const options: DockerOptions = {
    ...base,
    protocol: tls ? 'https' : 'http',
    host: url.hostname,
    port: url.port || (tls ? 2376 : 2375),
  }
  if (tls) {
    const certs = env.DOCKER_CERT_PATH || join(homedir(), '.docker')
    try {
      options.ca = readFileSync(join(certs, 'ca.pem'))
      options.cert = readFileSync(join(certs, 'cert.pem'))
      options.key = readFileSync(join(certs, 'key.pem'))
    } catch (cause) {
      throw new EvalboxError(
        'DOCKER_UNREACHABLE',
        `DOCKER_TLS_VERIFY is set but the TLS files in ${certs} cannot be read (${errorMessage(cause)}). ` +
          'Set DOCKER_CERT_PATH to the folder with ca.pem, cert.pem and key.pem.',
        { cause },
      )
    }
  }
  return { options, endpoint: host }
}

let cached: Promise<Engine> | undefined

/** The process-wide Docker client (dockerode is loaded on first use only). */
export function getEngine(): Promise<Engine> {
  cached ??= connectEngine().catch((error: unknown) => {
    cached = undefined
    throw error
  })
  return cached
}

/** A new client for `env` (the process environment by default); not cached. */
export async function connectEngine(env: NodeJS.ProcessEnv = process.env): Promise<Engine> {
  const { options, endpoint } = engineOptions(env)
  const { default: DockerClient } = await import('dockerode')
  return { docker: new DockerClient(options), endpoint }
}

/**
 * Asks the engine for its version; throws `EvalboxError('DOCKER_UNREACHABLE')` naming the
 * address tried, the OS error and the fix when nothing answers.
 */
export async function pingEngine(engine?: Engine): Promise<EngineInfo> {
  const { docker, endpoint } = engine ?? (await getEngine())
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' })),
      PING_TIMEOUT_MS,
    )
  })
  try {
    const info = await Promise.race([docker.version(), timeout])
    return {
      endpoint,
      version: info.Version,
      apiVersion: info.ApiVersion,
      os: info.Os,
      arch: info.Arch,
    }
  } catch (error) {
    throw unreachableError(endpoint, error)
  } finally {
    clearTimeout(timer)
  }
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'EACCES',
  'EPERM',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
])

/** Whether `error` means the engine could not be reached at all (no HTTP answer). */
export function isConnectionError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return typeof code === 'string' && CONNECTION_CODES.has(code)
}

/** The `DOCKER_UNREACHABLE` error for `endpoint`, with the OS error code and the fix. */
export function unreachableError(endpoint: string, error: unknown): EvalboxError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  const status = (error as { statusCode?: number } | undefined)?.statusCode
  const why = code ?? (status ? `HTTP ${status}` : errorMessage(error))
  const hint = code === 'EACCES' ? ' (permission denied: add your user to the docker group)' : ''
  return new EvalboxError(
    'DOCKER_UNREACHABLE',
    `Docker engine not reachable at ${endpoint} (${why})${hint}. ` +
      "Start dockerd or set DOCKER_HOST; or run with sandbox: 'local'",
    { cause: error },
  )
}
