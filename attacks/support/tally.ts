import { existsSync, readFileSync, rmSync } from 'node:fs'
import buildPackage from '../../e2e/support/build.ts'
import { ATTACK_LOG, type AttackOutcome } from './attack.ts'

/**
 * Global setup of the attacks project: builds the package (attacks run it as users do),
 * clears the outcome log, and when the run ends prints `attacks: N tried, N held` with the
 * name of every attack that got through.
 */
export default function setup(): () => void {
  buildPackage()
  rmSync(ATTACK_LOG, { force: true })
  return () => {
    const outcomes: AttackOutcome[] = existsSync(ATTACK_LOG)
      ? readFileSync(ATTACK_LOG, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as AttackOutcome)
      : []
    const held = outcomes.filter((outcome) => outcome.held).length
    for (const outcome of outcomes) if (!outcome.held) console.log(`attack got through: ${outcome.name}`)
    console.log(`attacks: ${outcomes.length} tried, ${held} held`)
  }
}
