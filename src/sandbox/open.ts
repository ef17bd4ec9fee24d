import { isAbsolute, resolve } from 'node:path'
import { EvalboxError } from '../errors.ts'
import type { RunSettings } from '../eval/settings.ts'
import { LABEL_CASE, runLabels } from './labels.ts'
import { outsideRoot } from './paths.ts'
import type { SandboxSpec } from './spec.ts'
import type { Sandbox } from './types.ts'

/** Which provider a spec gets in this run (`auto` resolved; `EVALBOX_SANDBOX` wins over auto). */
export function chooseProvider(spec: SandboxSpec, settings: RunSettings): 'docker' | 'local' {
  const forced = process.env.EVALBOX_SANDBOX
  const wanted = spec.provider && spec.provider !== 'auto' ? spec.provider : forced || 'auto'
  if (wanted === 'docker' || wanted === 'local') return wanted
  if (wanted !== 'auto') {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `EVALBOX_SANDBOX is "${wanted}"; expected "docker", "local" or "auto". Fix the environment variable.`,
    )
  }
  if (!spec.image && !spec.build) return 'local'
  return settings.autoProvider
}

let warming: Promise<void> | undefined

/**
 * For a case that will get a docker sandbox: loads the Docker client and opens the
 * connection to the run's sandbox service, once per process, so that this one-time cost is
 * paid before the first cases start rather than inside them. Resolves when done (at most
 * 5 s); never rejects: errors are left for the case itself to report. Undefined for cases
 * without a docker sandbox.
 */
export function warmUpSandbox(
  spec: SandboxSpec | undefined,
  settings: RunSettings,
): Promise<void> | undefined {
  if (!spec) return undefined
  try {
    if (chooseProvider(spec, settings) !== 'docker') return undefined
  } catch {
    return undefined
  }
  warming ??= Promise.race([
    import('./open-docker.ts').then(({ warmUpDocker }) => warmUpDocker(spec, settings)),
    new Promise<void>((done) => setTimeout(done, 5000).unref()),
  ]).catch(() => {})
  return warming
}

/** Makes a fresh sandbox for one case. */
export async function openSandbox(
  spec: SandboxSpec,
  settings: RunSettings,
  caseLabel: string,
): Promise<Sandbox> {
  const refused = outsideRoot(spec, settings.root)
  if (refused) {
    throw new EvalboxError('INVALID_OPTIONS', `\`sandbox.${refused.field}\` ${refused.reason}.`)
  }
  const workspace = spec.workspace ? hostPath(settings.root, spec.workspace) : undefined
  if (chooseProvider(spec, settings) === 'local') {
    const { createLocalSandbox } = await import('./local/local-sandbox.ts')
    return createLocalSandbox({ workspace, env: spec.env, label: caseLabel })
  }
  const { openDockerSandbox } = await import('./open-docker.ts')
  return openDockerSandbox(spec, settings, {
    workspace,
    labels: { ...runLabels(settings), [LABEL_CASE]: caseLabel.slice(0, 200) },
  })
}

/** Resolves a spec path (workspace, build context) against the project root. */
export function hostPath(root: string, path: string): string {
  return isAbsolute(path) ? path : resolve(root, path)
}
