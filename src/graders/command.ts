import { TRUNCATED_NOTE } from '../sandbox/output-capture.ts'
import { defineGrader } from './define.ts'
import type { Grader } from './types.ts'

export interface CommandGraderOptions {
  /** Working directory in the sandbox. @default the workdir */
  cwd?: string
  env?: Record<string, string>
  /** @default 120_000 */
  timeoutMs?: number
  /** The exit code that passes. @default 0 */
  exitCode?: number
  /** Grade name. @default `command(<cmd>)` */
  name?: string
}

/**
 * Runs a command in the case's sandbox after the agent; the exit code decides (printed text
 * cannot fake a pass). The command's output is kept in the run directory.
 *
 * @example graders.command('node --test')
 */
export function command(cmd: string | readonly string[], options: CommandGraderOptions = {}): Grader {
  const argv = typeof cmd === 'string' ? ['sh', '-c', cmd] : [...cmd]
  const label = typeof cmd === 'string' ? cmd : cmd.join(' ')
  const name = options.name ?? `command(${label})`
  const want = options.exitCode ?? 0
  return defineGrader(
    name,
    async ({ sandbox, signal, keep }) => {
      const result = await sandbox.exec(argv, {
        cwd: options.cwd,
        env: options.env,
        timeoutMs: options.timeoutMs ?? 120_000,
        signal,
      })
      const log = `$ ${label}\n${result.stdout}${result.stderr ? `\n--- stderr ---\n${result.stderr}` : ''}${result.truncated ? `\n${TRUNCATED_NOTE}` : ''}`
      const file = await keep(`grader-${slug(name)}.log`, log)
      const pass = !result.timedOut && !result.canceled && result.exitCode === want
      const how = result.timedOut
        ? `timed out after ${options.timeoutMs ?? 120_000} ms`
        : result.oomKilled
          ? 'was killed for using too much memory'
          : `exited with ${result.exitCode ?? result.signal}`
      const tail = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ')
      return {
        pass,
        explanation: pass
          ? `\`${label}\` exited with ${want}`
          : `\`${label}\` ${how} (wanted ${want})${tail ? `: ${tail.slice(0, 200)}` : ''}`,
        metadata: {
          exitCode: result.exitCode,
          durationMs: result.durationMs,
          ...(file && { log: file }),
          ...(result.truncated && { outputTruncated: true }),
        },
      }
    },
    { needsSandbox: true },
  )
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'command'
  )
}
