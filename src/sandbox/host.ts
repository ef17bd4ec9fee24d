import { EvalboxError } from '../core/errors.ts'
import { FALLBACK_PROVIDER, getProvider, providerNames } from './providers.ts'
import type { RunSettings, SandboxSpec } from './types.ts'

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
export function dockerHost(): string {
  const host = process.env.DOCKER_HOST
  return host ? `DOCKER_HOST=${host}` : 'the default socket (DOCKER_HOST unset)'
}

/**
 * Why a spec that got the local sandbox may not have it, or undefined when it may: the spec
 * forbids the host (`allowHost: false`), or it names an image that `auto` could not give a
 * container because no engine answered (no silent fallback unless `hostFallback: true`).
 */
export function hostRefusal(spec: SandboxSpec, settings: RunSettings): EvalboxError | undefined {
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

/**
 * The run's one warning about cases that ran on the host (the local sandbox), or undefined
 * when none did: how many, why (`EVALBOX_SANDBOX`, no engine, or no image named) and the fix.
 */
export function hostWarning(
  cases: number,
  total: number,
  settings: Pick<RunSettings, 'autoReason'>,
): string | undefined {
  if (cases === 0) return undefined
  const forced = forcedProvider() === FALLBACK_PROVIDER
  const [why, fix] = forced
    ? [
        `EVALBOX_SANDBOX=${FALLBACK_PROVIDER} forces the ${FALLBACK_PROVIDER} sandbox`,
        'unset EVALBOX_SANDBOX and name an image',
      ]
    : settings.autoReason
      ? [
          `no Docker engine answered at ${dockerHost()} (${settings.autoReason})`,
          'start Docker, or point DOCKER_HOST at a running engine, and name an image',
        ]
      : [
          `${cases === 1 ? 'its eval names' : 'their evals name'} no image, so sandbox 'auto' gives ${cases === 1 ? 'it' : 'them'} the ${FALLBACK_PROVIDER} sandbox (or ${cases === 1 ? 'it names' : 'they name'} sandbox '${FALLBACK_PROVIDER}')`,
          "name an image, e.g. evalsProject({ sandbox: { image: 'evalbox-base:bookworm-1' } }) (`npx evalbox image build` makes it)",
        ]
  const n = `${cases} of ${total} case${total === 1 ? '' : 's'}`
  return (
    `WARNING: ${n} ran on the host, not in a container: the agent's and graders' commands ran as your user, ` +
    `with your files and network (the ${FALLBACK_PROVIDER} sandbox). Why: ${why}. ` +
    `Fix: ${fix}; or forbid it with evalsProject({ sandbox: { allowHost: false } }).`
  )
}
