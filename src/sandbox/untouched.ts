import type { Sandbox } from './types.ts'

/**
 * An optional provider hook, outside the `Sandbox` contract: resolves true only when the
 * sandbox's workdir and output folder are provably as the sandbox started them — empty and
 * never written since. Evalbox uses it to skip the harvest exec of cases that changed
 * nothing. A provider that cannot prove it leaves the hook out (or resolves false).
 */
export const UNTOUCHED = Symbol.for('evalbox.sandbox.untouched')

export interface UntouchedProbe {
  [UNTOUCHED]?: () => Promise<boolean>
}

/** True only when the sandbox proves its workdir and output folder untouched; never throws. */
export async function provablyUntouched(sandbox: Sandbox): Promise<boolean> {
  const probe = (sandbox as Sandbox & UntouchedProbe)[UNTOUCHED]
  if (!probe) return false
  try {
    return (await probe()) === true
  } catch {
    return false
  }
}
