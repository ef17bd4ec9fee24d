import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { type CliIo, main } from '../index.ts'

/** Test-only: a temp project folder with a results directory, and `main()` run inside it. */
export interface CliSandbox {
  root: string
  /** The results directory, `<root>/.evals`. */
  dir: string
  /** Writes JSON (or text) to a path relative to the root, creating folders. */
  write(path: string, content: unknown): string
  run(argv: string[], env?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }>
  remove(): void
}

export function cliSandbox(): CliSandbox {
  const root = mkdtempSync(join(tmpdir(), 'evalbox-cli-'))
  const dir = join(root, '.evals')
  mkdirSync(dir)
  return {
    root,
    dir,
    write(path, content) {
      const full = join(root, path)
      mkdirSync(dirname(full), { recursive: true })
      writeFileSync(full, typeof content === 'string' ? content : JSON.stringify(content, null, 2))
      return full
    },
    async run(argv, env = {}) {
      let stdout = ''
      let stderr = ''
      const io: CliIo = {
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: (s: string) => (stderr += s) },
        cwd: root,
        env,
      }
      const code = await main(argv, io)
      return { code, stdout, stderr }
    },
    remove() {
      rmSync(root, { recursive: true, force: true })
    },
  }
}
