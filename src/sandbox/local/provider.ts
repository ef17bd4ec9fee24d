import type { SandboxProvider } from '../types.ts'

/**
 * The local provider: a temp directory and a process group per command. Always there, so
 * it is `auto`'s fallback; it keeps nothing between cases, so it has no run-level work.
 */
export const localProvider: SandboxProvider = {
  name: 'local',
  serves: () => true,
  open: async (spec, { workspace, caseLabel }) => {
    const { createLocalSandbox } = await import('./local-sandbox.ts')
    return createLocalSandbox({ workspace, env: spec.env, label: caseLabel })
  },
}
