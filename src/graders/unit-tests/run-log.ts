import { TRUNCATED_NOTE } from '../../sandbox/output-capture.ts'
import type { ExecResult, Sandbox } from '../../sandbox/types.ts'
import type { PatchFile } from './patch-files.ts'
import type { Preflight } from './preflight.ts'
import type { UnitTestFramework } from './types.ts'
import type { TamperedFile } from './verdict.ts'

/** What the kept log says about a run. */
export interface RunLogFacts {
  name: string
  framework: UnitTestFramework | undefined
  sandbox: Pick<Sandbox, 'provider' | 'id'>
  patch: 'none' | 'empty' | 'applied'
  changed: readonly PatchFile[]
  tampered: readonly TamperedFile[]
  label: string
  preflight?: Preflight
  result: Pick<ExecResult, 'stdout' | 'stderr' | 'exitCode' | 'signal' | 'timedOut'> &
    Partial<Pick<ExecResult, 'truncated'>>
}

/** The text kept as the grader's log: what was set up, the command, its output, its exit. Pure. */
export function formatRunLog(facts: RunLogFacts): string {
  const { result } = facts
  const lines = [
    `# ${facts.name}: ${facts.framework ?? 'unknown framework'} in verifier ${facts.sandbox.provider}:${facts.sandbox.id}`,
    `# agent patch: ${facts.patch === 'applied' ? `applied (${facts.changed.length} files)` : facts.patch}`,
  ]
  if (facts.tampered.length > 0) {
    lines.push(`# restored test files: ${facts.tampered.map((f) => `${f.path} (${f.change})`).join(', ')}`)
  }
  const collected = facts.preflight?.collected
  if (collected) {
    const total = Object.values(collected.perFile).reduce((sum, n) => sum + n, 0)
    const errored = collected.errored.length > 0 ? `; not importable: ${collected.errored.join(', ')}` : ''
    lines.push(`# clean fixture collects ${total} tests${errored}`)
  }
  lines.push(`$ ${facts.label}`, result.stdout)
  if (result.stderr) lines.push('--- stderr ---', result.stderr)
  if (result.truncated) lines.push(TRUNCATED_NOTE)
  lines.push(`# exit code ${result.exitCode ?? result.signal}${result.timedOut ? ' (timed out)' : ''}`, '')
  return lines.join('\n')
}

/** `grader-unit-tests.log`, or `grader-unit-tests-<name>.log` for a grader given a name. */
export function logFileName(name: string): string {
  if (name === 'unit tests') return 'grader-unit-tests.log'
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40)
  return `grader-unit-tests-${slug || 'grader'}.log`
}

/**
 * Why the test runner could not start, from the preflight's probes (run in the verifier
 * before the agent's patch, so the code under test cannot fake or hide it), or undefined.
 * What the run printed or its exit code (127 included) never decides this.
 */
export function missingRunner(preflight: Pick<Preflight, 'missing'>): string | undefined {
  const { missing } = preflight
  if (!missing) return undefined
  const said = missing.output.split('\n').slice(-2).join(' | ').slice(0, 200)
  return `the runner check \`${missing.probe}\` failed in the clean verifier${said ? ` (${said})` : ''}`
}
