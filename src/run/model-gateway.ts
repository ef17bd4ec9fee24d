import { randomBytes } from 'node:crypto'
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { errorMessage } from '../core/errors.ts'
import type { GatewayCore, RunUsage, Upstreams } from '../gateway/index.ts'
import { closeServer, listenOn } from '../gateway/listen.ts'
import type { GatewayProjectOptions, RunState } from './run-state.ts'

const PROVIDERS = {
  anthropic: {
    keyEnv: 'ANTHROPIC_API_KEY',
    baseEnv: 'EVALBOX_ANTHROPIC_BASE_URL',
    base: 'https://api.anthropic.com',
  },
  openai: { keyEnv: 'OPENAI_API_KEY', baseEnv: 'EVALBOX_OPENAI_BASE_URL', base: 'https://api.openai.com' },
  gemini: {
    keyEnv: 'GEMINI_API_KEY',
    baseEnv: 'EVALBOX_GEMINI_BASE_URL',
    base: 'https://generativelanguage.googleapis.com',
  },
} as const

/**
 * The upstreams of the project's options over the environment's: a provider is served when
 * its key variable is set on the host; without one its calls are refused naming the variable.
 */
export function projectUpstreams(
  options: GatewayProjectOptions = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): Upstreams {
  const upstreams: Record<string, { baseUrl: string; apiKey: string }> = {}
  for (const [name, provider] of Object.entries(PROVIDERS)) {
    const own = options.upstreams?.[name as keyof typeof PROVIDERS]
    const apiKey = env[own?.apiKeyEnv ?? provider.keyEnv]
    if (!apiKey) continue
    upstreams[name] = { baseUrl: own?.baseUrl ?? (env[provider.baseEnv] || provider.base), apiKey }
  }
  return upstreams
}

/** Names of the key variables the project's gateway reads, for secrets and messages. */
export function upstreamKeyNames(options: GatewayProjectOptions = {}): string[] {
  return Object.entries(PROVIDERS).map(
    ([name, provider]) => options.upstreams?.[name as keyof typeof PROVIDERS]?.apiKeyEnv ?? provider.keyEnv,
  )
}

const gateways = new Map<string, () => RunUsage | undefined>()

/**
 * Starts the run's model gateway in this (the main) process: it listens on 127.0.0.1 and on
 * a unix socket in a fresh folder that Docker sandboxes get mounted, and its address and admin
 * secret go into the run settings for the workers. The gateway itself (its module, its
 * upstreams) is made on the first request, so a run whose evals call no model pays for two
 * listening sockets only. Returns the shutdown.
 */
export async function startRunGateway(
  state: RunState,
  log: (line: string) => void,
): Promise<() => Promise<void>> {
  const options = state.options.gateway || {}
  // Short, so the socket path stays under the 108 bytes a unix socket path may have.
  const dir = await mkdtemp(join(tmpdir(), 'evalbox-gw-'))
  await chmod(dir, 0o755)
  const socketPath = join(dir, 'gateway.sock')
  const adminToken = randomBytes(32).toString('hex')
  const upstreams = projectUpstreams(options)
  let core: Promise<GatewayCore> | undefined
  let made: GatewayCore | undefined
  const gateway = () =>
    (core ??= import('../gateway/index.ts').then(({ createGateway }) => {
      made = createGateway({
        upstreams,
        adminToken,
        budget: state.options.budget,
        pricing: options.pricing,
        secrets: (state.settings.secrets ?? []).map((name) => process.env[name] ?? '').filter(Boolean),
        log: (line) => log(`evalbox gateway: ${line}`),
      })
      return made
    }))
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    gateway().then(
      (ready) => ready.handler(req, res),
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' })
        res.end(
          JSON.stringify({ error: { message: `evalbox gateway: could not start: ${errorMessage(error)}` } }),
        )
      },
    )
  }
  const tcp = createServer({ noDelay: true, keepAlive: true }, handler)
  const unix = createServer(handler)
  await Promise.all([listenOn(tcp, 0), listenOn(unix, socketPath)])
  await chmod(socketPath, 0o666)
  gateways.set(state.runId, () => made?.runUsage())
  state.settings.gatewayUrl = `http://127.0.0.1:${(tcp.address() as AddressInfo).port}`
  state.settings.gatewayToken = adminToken
  state.settings.gatewayDir = dir
  state.settings.gatewayHasKeys = Object.keys(upstreams).length > 0
  if (state.options.budget?.maxCostUsd) state.settings.runBudgetUsd = state.options.budget.maxCostUsd
  return async () => {
    gateways.delete(state.runId)
    await made?.close()
    await Promise.all([tcp, unix].map(closeServer))
    await rm(dir, { recursive: true, force: true })
  }
}

/** What the run's gateway counted so far (the reporter's summary), once a case used it. */
export function runGatewayUsage(runId: string): RunUsage | undefined {
  return gateways.get(runId)?.()
}
