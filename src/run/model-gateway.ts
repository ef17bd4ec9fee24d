import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Gateway, RunUsage, Upstreams } from '../gateway/index.ts'
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

const gateways = new Map<string, Gateway>()

/**
 * Starts the run's model gateway in this (the main) process, on 127.0.0.1 and on a unix
 * socket in a fresh folder that Docker sandboxes get mounted, and puts its address and
 * admin secret in the run settings for the workers. Returns its shutdown.
 */
export async function startRunGateway(
  state: RunState,
  log: (line: string) => void,
): Promise<() => Promise<void>> {
  const options = state.options.gateway || {}
  const { startGateway } = await import('../gateway/index.ts')
  // Short, so the socket path stays under the 108 bytes a unix socket path may have.
  const dir = await mkdtemp(join(tmpdir(), 'evalbox-gw-'))
  await chmod(dir, 0o755)
  const upstreams = projectUpstreams(options)
  const gateway = await startGateway({
    upstreams,
    socketPath: join(dir, 'gateway.sock'),
    budget: state.options.budget,
    pricing: options.pricing,
    secrets: (state.settings.secrets ?? []).map((name) => process.env[name] ?? '').filter(Boolean),
    log: (line) => log(`evalbox gateway: ${line}`),
  })
  gateways.set(state.runId, gateway)
  state.settings.gatewayUrl = gateway.url
  state.settings.gatewayToken = gateway.adminToken
  state.settings.gatewayDir = dir
  state.settings.gatewayHasKeys = Object.keys(upstreams).length > 0
  if (state.options.budget?.maxCostUsd) state.settings.runBudgetUsd = state.options.budget.maxCostUsd
  return async () => {
    gateways.delete(state.runId)
    await gateway.close()
    await rm(dir, { recursive: true, force: true })
  }
}

/** What the run's gateway counted so far (the reporter's summary), when one runs. */
export function runGatewayUsage(runId: string): RunUsage | undefined {
  return gateways.get(runId)?.runUsage()
}
