import type { RunState } from './run-state.ts'

/**
 * Work that must happen synchronously when the process is told to stop (SIGINT/SIGTERM):
 * Vitest exits a millisecond after the signal, so only synchronous work is sure to finish.
 * Hooks write the partial result files and hand container removal to a detached process.
 */
const hooks = new Set<(signal: NodeJS.Signals) => void>()
let installed = false

/** Adds a hook; returns a function that removes it. */
export function onInterrupt(hook: (signal: NodeJS.Signals) => void): () => void {
  install()
  hooks.add(hook)
  return () => hooks.delete(hook)
}

function install(): void {
  if (installed) return
  installed = true
  const handle = (signal: NodeJS.Signals) => {
    for (const hook of hooks) {
      try {
        hook(signal)
      } catch {
        // One failing hook must not keep the others from running.
      }
    }
    hooks.clear()
    // Without another listener (Vitest's own), Node would not exit on the signal any more.
    if (process.listenerCount(signal) === 0) process.exit(signal === 'SIGINT' ? 130 : 143)
  }
  process.once('SIGINT', handle)
  process.once('SIGTERM', handle)
}

/** Runs the run's asynchronous cleanups (teardown), each at most once. */
export async function runCleanups(state: RunState): Promise<void> {
  const cleanups = [...state.cleanups]
  state.cleanups.clear()
  await Promise.allSettled(cleanups.map((cleanup) => cleanup()))
}
