import { describeValue, EvalboxError } from '../core/errors.ts'

type Loose = Record<string, unknown>

function isObject(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined
}

function wrongInput(matcher: string, wanted: string, received: unknown): never {
  throw new EvalboxError('INVALID_OPTIONS', `${matcher}() needs ${wanted}; got ${describeValue(received)}`)
}

/** Files named by a `git diff` text (`diff --git a/x b/y`, both sides of a rename). */
export function filesOfDiff(diff: string): string[] {
  const files = new Set<string>()
  for (const match of diff.matchAll(/^diff --git a\/(.+?) b\/(.+)$/gm)) {
    files.add(match[1]!)
    files.add(match[2]!)
  }
  return [...files].sort()
}

/**
 * The changed files of a harvested patch (`{ patch, files }`), the grader context's
 * `patch` (`{ diff, files }`), a TestEntry (`harvest.files`), anything with a `patch` of
 * those shapes (a RunOutput), a list of paths, or a diff text.
 */
export function changedFiles(received: unknown): string[] {
  if (typeof received === 'string') return filesOfDiff(received)
  const list = strings(received)
  if (list) return list
  if (isObject(received)) {
    const own = strings(received.files)
    if (own) return own
    if (isObject(received.harvest)) {
      const harvested = strings(received.harvest.files)
      if (harvested) return harvested
    }
    if (received.patch !== undefined && received.patch !== received) return changedFiles(received.patch)
  }
  return wrongInput(
    'toOnlyTouch',
    'a harvested patch ({ files }), a TestEntry with harvest.files, a RunOutput with a patch, a list of paths or a diff',
    received,
  )
}

/** Cost in USD of a number, a TestEntry (`cost_usd`), an AgentResult (`metrics.costUsd`) or a RunOutput (`agent`). */
export function costOf(received: unknown): number {
  if (typeof received === 'number') return received
  if (isObject(received)) {
    if (typeof received.cost_usd === 'number') return received.cost_usd
    if (isObject(received.metrics) && typeof received.metrics.costUsd === 'number')
      return received.metrics.costUsd
    if (isObject(received.agent)) return costOf(received.agent)
  }
  return wrongInput(
    'toCostLessThan',
    'a cost: a TestEntry (cost_usd), an AgentResult (metrics.costUsd), a RunOutput with an agent, or a number',
    received,
  )
}

/** Turns of a number, a TestEntry (`turns_used`), an AgentResult (`metrics.turns`) or a RunOutput (`agent`). */
export function turnsOf(received: unknown): number {
  if (typeof received === 'number') return received
  if (isObject(received)) {
    if (typeof received.turns_used === 'number') return received.turns_used
    if (isObject(received.metrics) && typeof received.metrics.turns === 'number')
      return received.metrics.turns
    if (isObject(received.agent)) return turnsOf(received.agent)
  }
  return wrongInput(
    'toUseAtMostTurns',
    'turns: a TestEntry (turns_used), an AgentResult (metrics.turns), a RunOutput with an agent, or a number',
    received,
  )
}
