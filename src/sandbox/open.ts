import { EvalboxError } from '../core/errors.ts'
import { LABEL_CASE, runLabels } from './labels.ts'
import { hostPath, outsideRoot } from './paths.ts'
import {
  FALLBACK_PROVIDER,
  getProvider,
  isProviderName,
  providerChoices,
  providerNames,
} from './providers.ts'
import type { RunSettings, Sandbox, SandboxSpec } from './types.ts'

export { hostPath } from './paths.ts'

/**
 * Which provider a spec gets in this run: the one it names, else the one `EVALBOX_SANDBOX`
 * names, else (`auto`) the run's preferred provider when it serves the spec, else the fallback.
 */
export function chooseProvider(spec: SandboxSpec, settings: RunSettings): string {
  if (spec.provider && spec.provider !== 'auto') return getProvider(spec.provider).name
  const forced = process.env.EVALBOX_SANDBOX || 'auto'
  if (!isProviderName(forced)) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `EVALBOX_SANDBOX is "${forced}"; expected ${providerChoices()}. Fix the environment variable.`,
    )
  }
  if (forced !== 'auto') return forced
  const preferred = getProvider(settings.autoProvider)
  return preferred.serves?.(spec) ? preferred.name : FALLBACK_PROVIDER
}

const warming = new Map<string, Promise<void>>()

/**
 * For a case whose provider has a warm-up (docker: load the client, connect to the run's
 * sandbox service): runs it once per process and provider, so that this one-time cost is
 * paid before the first cases start rather than inside them. Resolves when done (at most
 * 5 s); never rejects: errors are left for the case itself to report. Undefined for cases
 * whose provider has none.
 */
export function warmUpSandbox(
  spec: SandboxSpec | undefined,
  settings: RunSettings,
): Promise<void> | undefined {
  if (!spec) return undefined
  let name: string
  try {
    name = chooseProvider(spec, settings)
  } catch {
    return undefined
  }
  const { warmUp } = getProvider(name)
  if (!warmUp) return undefined
  let done = warming.get(name)
  if (!done) {
    done = Promise.race([
      warmUp(spec, settings),
      new Promise<void>((resolve) => setTimeout(resolve, 5000).unref()),
    ]).catch(() => {})
    warming.set(name, done)
  }
  return done
}

/** Makes a fresh sandbox for one case, with the provider the spec gets. */
export async function openSandbox(
  spec: SandboxSpec,
  settings: RunSettings,
  caseLabel: string,
): Promise<Sandbox> {
  const refused = outsideRoot(spec, settings.root)
  if (refused) {
    throw new EvalboxError('INVALID_OPTIONS', `\`sandbox.${refused.field}\` ${refused.reason}.`)
  }
  const provider = getProvider(chooseProvider(spec, settings))
  const refusal = provider.name === FALLBACK_PROVIDER ? hostRefusal(spec, settings) : undefined
  if (refusal) throw refusal
  return provider.open(spec, {
    settings,
    workspace: spec.workspace ? hostPath(settings.root, spec.workspace) : undefined,
    labels: { ...runLabels(settings), [LABEL_CASE]: caseLabel.slice(0, 200) },
    caseLabel,
  })
}

/** What `EVALBOX_SANDBOX` forces, when it names a provider. */
function forcedProvider(): string | undefined {
  const forced = process.env.EVALBOX_SANDBOX
  return forced && forced !== 'auto' ? forced : undefined
}

/** Whether a provider other than the fallback would serve the spec (docker: an image or a build). */
function wantsContainer(spec: SandboxSpec): boolean {
  return providerNames().some((name) => name !== FALLBACK_PROVIDER && getProvider(name).serves?.(spec))
}

/** `DOCKER_HOST=…`, or the default socket when it is unset: where Docker was looked for. */
function dockerHost(): string {
  const host = process.env.DOCKER_HOST
  return host ? `DOCKER_HOST=${host}` : 'the default socket (DOCKER_HOST unset)'
}

/**
 * Why a spec that got the local sandbox may not have it, or undefined when it may: the spec
 * forbids the host (`allowHost: false`), or it names an image that `auto` could not give a
 * container because no engine answered (no silent fallback unless `hostFallback: true`).
 */
function hostRefusal(spec: SandboxSpec, settings: RunSettings): EvalboxError | undefined {
  const named = spec.provider === FALLBACK_PROVIDER || forcedProvider() === FALLBACK_PROVIDER
  const container = wantsContainer(spec)
  const unreachable = !named && container
  if (spec.allowHost === false) {
    const why = named
      ? spec.provider === FALLBACK_PROVIDER
        ? `the eval names sandbox '${FALLBACK_PROVIDER}'`
        : `EVALBOX_SANDBOX=${FALLBACK_PROVIDER} forces it`
      : unreachable
        ? `no Docker engine answered at ${dockerHost()}: ${settings.autoReason ?? 'not probed'}`
        : "the eval names no image, so sandbox 'auto' gives it the local sandbox"
    return new EvalboxError(
      'HOST_SANDBOX_REFUSED',
      `This case would run on the host (the ${FALLBACK_PROVIDER} sandbox: commands as your user, on this machine), ` +
        `but the sandbox spec sets \`allowHost: false\`. Why it would: ${why}. ` +
        `Fix: ${unreachable ? 'start Docker or point DOCKER_HOST at a running engine' : "name an image, e.g. evalsProject({ sandbox: { image: 'evalbox-base:bookworm-1' } }), with Docker running"}` +
        `${named ? `, ${spec.provider === FALLBACK_PROVIDER ? "drop sandbox: 'local'" : 'unset EVALBOX_SANDBOX'}` : ''}; or set \`allowHost: true\` to let it run on the host.`,
    )
  }
  if (unreachable && !spec.hostFallback) {
    const image = spec.image ? `image "${spec.image}"` : 'a build'
    return new EvalboxError(
      'DOCKER_UNREACHABLE',
      `This case names ${image}, but no Docker engine answered at ${dockerHost()} when the run started ` +
        `(${settings.autoReason ?? 'not probed'}); it is not run on the host instead. ` +
        'Fix: start Docker, or point DOCKER_HOST at a running engine; or set `sandbox: { hostFallback: true }` ' +
        `to let such cases fall back to the host (the ${FALLBACK_PROVIDER} sandbox), or EVALBOX_SANDBOX=${FALLBACK_PROVIDER} to run every case there.`,
    )
  }
  return undefined
}
