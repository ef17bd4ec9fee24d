import { TRUNCATED_NOTE } from '../../sandbox/output-capture.ts'
import type { ExecResult, Sandbox } from '../../sandbox/types.ts'
import type { PatchFile } from './patch-files.ts'
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
 * Why the test runner itself could not start (a setup problem, not the agent's failure),
 * or undefined: exit code 127 from the shell, Python without pytest, npx without a local
 * package.
 */
export function missingRunner(
  result: Pick<ExecResult, 'exitCode' | 'stdout' | 'stderr'>,
): string | undefined {
  const text = `${result.stdout}\n${result.stderr}`
  if (result.exitCode === 127) return 'a command was not found (exit code 127)'
  if (/No module named pytest\b/.test(text)) return 'pytest is not installed'
  if (/npx canceled due to missing packages|could not determine executable to run/.test(text)) {
    return 'the runner is not installed in the workspace (npx found no local package)'
  }
  return undefined
}
