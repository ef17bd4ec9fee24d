import { EvalboxError } from '../core/errors.ts'
import { dockerProvider } from './docker/provider.ts'
import { localProvider } from './local/provider.ts'
import type { RunContext, SandboxProvider } from './types.ts'

/** The provider `auto` falls back to: it needs nothing and serves every spec. */
export const FALLBACK_PROVIDER = 'local'

const registry = new Map<string, SandboxProvider>()

/** Adds a provider. Its name must be new and not `auto`. */
export function registerProvider(provider: SandboxProvider): void {
  if (provider.name === 'auto' || registry.has(provider.name)) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `A sandbox provider named "${provider.name}" ${provider.name === 'auto' ? 'is not allowed ("auto" chooses one)' : 'is already registered'}; give it another name.`,
    )
  }
  registry.set(provider.name, provider)
}

// The registry. Order matters for `auto` only: the first provider that serves a spec and
// answered at the start of the run gets it; the fallback serves the rest.
registerProvider(dockerProvider)
registerProvider(localProvider)

/** Names of the registered providers, in registry order. */
export function providerNames(): string[] {
  return [...registry.keys()]
}

/** Whether `name` is `auto` or a registered provider. */
export function isProviderName(name: string): boolean {
  return name === 'auto' || registry.has(name)
}

/** `"docker", "local" or "auto"`: the names a provider may be given, for messages. */
export function providerChoices(): string {
  const names = [...providerNames(), 'auto'].map((name) => `"${name}"`)
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`
}

/** The provider of that name; an unknown name is an `INVALID_OPTIONS` error listing the registered ones. */
export function getProvider(name: string): SandboxProvider {
  const provider = registry.get(name)
  if (provider) return provider
  throw new EvalboxError(
    'INVALID_OPTIONS',
    `Unknown sandbox provider "${name}": expected ${providerChoices()}. Fix \`sandbox.provider\`.`,
  )
}

const prepared = new WeakMap<RunContext, SandboxProvider[]>()

/**
 * Starts a run's providers (main process, once per run). Every registered provider is
 * probed (only the one named by `EVALBOX_SANDBOX`, when set: one that does not answer then
 * stops the run), decides what `auto` means (`settings.autoProvider`, and `settings.autoReason`
 * when no provider but the fallback answered: what the probes said), and is prepared if it
 * answered.
 */
export async function prepareRun(run: RunContext): Promise<void> {
  const forced = process.env.EVALBOX_SANDBOX
  const only = forced && forced !== 'auto' ? registry.get(forced) : undefined
  const candidates = only ? [only] : [...registry.values()]
  const failures = await Promise.all(candidates.map((provider) => provider.probe?.()))
  const ready = candidates.filter((_, i) => !failures[i])
  const refused = only && failures[0]
  if (refused) throw new EvalboxError(refused.code, `EVALBOX_SANDBOX=${only.name}, but: ${refused.message}`)
  const preferred = ready.find((provider) => provider.serves && provider.name !== FALLBACK_PROVIDER)
  run.settings.autoProvider = preferred?.name ?? FALLBACK_PROVIDER
  const lost = candidates.flatMap((provider, i) =>
    provider.serves && provider.name !== FALLBACK_PROVIDER && failures[i] ? [failures[i].message] : [],
  )
  if (!preferred && lost.length > 0) run.settings.autoReason = lost.join('; ')
  const started: SandboxProvider[] = []
  prepared.set(run, started)
  for (const provider of ready) {
    started.push(provider)
    await provider.prepareRun?.(run)
  }
}

/** Ends a run's providers (teardown): `cleanupRun` of every provider `prepareRun` started. */
export async function cleanupRun(run: RunContext): Promise<void> {
  const started = prepared.get(run) ?? []
  prepared.delete(run)
  await Promise.allSettled(started.map((provider) => provider.cleanupRun?.(run)))
}

export type { OpenContext, ProbeFailure, RunContext, SandboxProvider } from './types.ts'
