import { inject } from 'vitest'
import type { RunSettings } from '../sandbox/types.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    evalbox?: RunSettings
  }
}

let fallback: RunSettings | undefined

/**
 * The settings of this run. Outside the evals project (eval helpers imported into another
 * suite) there is no run: cases still work, nothing is kept on disk.
 */
export function getRunSettings(): RunSettings | undefined {
  try {
    return inject('evalbox')
  } catch {
    return undefined
  }
}

/** Settings for cases that run outside an evals project: local sandboxes, no run dir. */
export function fallbackSettings(): RunSettings {
  fallback ??= {
    runId: `adhoc-${process.pid}-${Date.now().toString(36)}`,
    ownerPid: process.pid,
    root: process.cwd(),
    resultsDir: '',
    runDir: '',
    autoProvider: 'local',
    autoReason: 'not running in an evals project',
  }
  return fallback
}
