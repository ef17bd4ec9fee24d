import { appendFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { test } from 'vitest'
import { repoRoot } from '../../e2e/support/paths.ts'

/** Where each attack's outcome is appended; `tally.ts` counts it when the run ends. */
export const ATTACK_LOG = join(repoRoot, 'attacks', '.results', 'outcomes.jsonl')

/** One recorded attack: which defence it tried and whether the defence held. */
export interface AttackOutcome {
  name: string
  held: boolean
}

type AttackBody = () => Promise<void> | void

/**
 * Declares one attack. `body` mounts the attack (usually an eval in a fixture project whose
 * agent is adversarial) and asserts that the defence held; any failed assertion means the
 * attack got through. Every attack is counted in the suite's `attacks: N tried, N held` line.
 */
export function attack(name: string, body: AttackBody, timeout = 240_000): void {
  test(
    `attack: ${name}`,
    async () => {
      let held = false
      try {
        await body()
        held = true
      } finally {
        record({ name, held })
      }
    },
    timeout,
  )
}

function record(outcome: AttackOutcome): void {
  mkdirSync(dirname(ATTACK_LOG), { recursive: true })
  appendFileSync(ATTACK_LOG, `${JSON.stringify(outcome)}\n`)
}
