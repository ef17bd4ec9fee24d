import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { repoRoot } from './paths.ts'

/** What an `evalbox` command printed and its exit code. */
export interface CliRun {
  stdout: string
  stderr: string
  exitCode: number
}

/** Runs the built `evalbox` command line (`dist/cli.js`) in `cwd`, as `npx evalbox` would. */
export function runCli(cwd: string, args: string[]): Promise<CliRun> {
  const cli = join(repoRoot, 'dist', 'cli.js')
  const env = { ...process.env, NO_COLOR: '1' }
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd, env }, (error, stdout, stderr) => {
      const code = error ? (error as { code?: unknown }).code : 0
      resolve({ stdout, stderr, exitCode: typeof code === 'number' ? code : 1 })
    })
  })
}
