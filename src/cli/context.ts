import { existsSync } from 'node:fs'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { EvalboxError } from '../core/errors.ts'

/** A stream the CLI writes to; `process.stdout` fits. */
export interface CliStream {
  write(text: string): unknown
  /** Colour is used only on a terminal. */
  isTTY?: boolean
}

/** Everything the CLI touches in its process, passed in so tests can capture it. */
export interface CliIo {
  stdout: CliStream
  stderr: CliStream
  /** Directory relative paths are resolved against. */
  cwd: string
  /** Environment (`EVALBOX_DIR`, `NO_COLOR`, `FORCE_COLOR`). */
  env: Record<string, string | undefined>
}

/** Raised for a bad command line; `main` prints it with the usage and exits with 2. */
export function usageError(message: string): EvalboxError {
  return new EvalboxError('CLI_USAGE', message)
}

/** The results directory: `--dir` > `EVALBOX_DIR` > `.evals` under the cwd. */
export function resultsDir(io: CliIo, dirFlag: string | undefined): string {
  const chosen = dirFlag || io.env.EVALBOX_DIR || '.evals'
  return resolve(io.cwd, chosen)
}

/**
 * A run file named on the command line: a path from the cwd, or a bare file name within the
 * results directory. A missing file is an `NO_RESULTS` error naming both places looked in.
 */
export function resolveRunPath(io: CliIo, arg: string, dir: string): string {
  const direct = resolve(io.cwd, arg)
  if (existsSync(direct)) return direct
  const inDir = resolve(dir, arg)
  if (!isAbsolute(arg) && !arg.includes(sep) && existsSync(inDir)) return inDir
  throw new EvalboxError(
    'NO_RESULTS',
    `File not found: "${arg}" (looked for ${direct} and ${inDir}). Run \`evalbox list\` to see the saved runs, or pass --dir.`,
  )
}

/** A path for display: relative to the cwd when inside it, else absolute. */
export function displayPath(io: CliIo, path: string): string {
  const rel = relative(io.cwd, path)
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel
}

/** Whether to colour output written to `stream`. */
export function useColor(io: CliIo, stream: CliStream): boolean {
  if (io.env.NO_COLOR) return false
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== '0') return true
  return stream.isTTY === true
}

/** Prints warnings about skipped files to stderr. */
export function warnTo(io: CliIo): (message: string) => void {
  return (message) => io.stderr.write(`warning: ${message}\n`)
}
