import { EvalboxError } from '../core/errors.ts'
import { hostRefusal } from './host.ts'
import { LABEL_CASE, runLabels } from './labels.ts'
import { hostPath, outsideRoot } from './paths.ts'
import { FALLBACK_PROVIDER, getProvider, isProviderName, providerChoices } from './providers.ts'
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
