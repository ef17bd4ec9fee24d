import { realpathSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { EvalboxError, errorMessage } from '../core/errors.ts'
import { createRedactor } from '../core/secrets/redact.ts'
import { baselineCommand } from './commands/baseline.ts'
import { compareCommand } from './commands/compare.ts'
import { contextBenchCommand } from './commands/context-bench.ts'
import { gateCommand } from './commands/gate.ts'
import { imageCommand } from './commands/image.ts'
import { listCommand } from './commands/list.ts'
import { mergeCommand } from './commands/merge.ts'
import { reportCommand } from './commands/report.ts'
import { showCommand } from './commands/show.ts'
import type { CliIo } from './context.ts'
import { COMMAND_USAGE, MAIN_USAGE } from './usage.ts'
import { evalboxVersion } from './version.ts'

export type { CliIo, CliStream } from './context.ts'

type Command = (args: string[], io: CliIo) => number | Promise<number>

const COMMANDS: Record<string, Command> = {
  list: listCommand,
  show: showCommand,
  compare: compareCommand,
  gate: gateCommand,
  baseline: baselineCommand,
  merge: mergeCommand,
  report: reportCommand,
  'context-bench': contextBenchCommand,
  image: imageCommand,
}

function fail(io: CliIo, message: string, usage?: string): number {
  io.stderr.write(`evalbox: ${message}\n`)
  if (usage) io.stderr.write(`\n${usage}\n`)
  return 2
}

/**
 * Runs the `evalbox` command line and returns the exit code: 0 on success (a comparison is
 * informational, so also when something regressed), 1 when `evalbox gate` fails or a result
 * file cannot be used (invalid, or from a newer evalbox), 2 for usage errors and missing
 * files or runs.
 *
 * @param argv the arguments after the program name (`process.argv.slice(2)`)
 * @param io where to write, the cwd and environment to resolve paths and defaults against
 */
export async function main(argv: string[], given: CliIo): Promise<number> {
  const io = redactingIo(given)
  const [first, ...rest] = argv
  if (first === undefined) return fail(io, 'missing command.', MAIN_USAGE)
  if (first === '--help' || first === '-h') {
    io.stdout.write(`${MAIN_USAGE}\n`)
    return 0
  }
  if (first === '--version' || first === '-v') {
    io.stdout.write(`${evalboxVersion()}\n`)
    return 0
  }
  if (first === 'help') {
    const topic = rest[0]
    io.stdout.write(`${(topic && COMMAND_USAGE[topic]) || MAIN_USAGE}\n`)
    return 0
  }
  const command = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined
  if (!command) {
    const known = Object.keys(COMMANDS).join(', ')
    return fail(io, `unknown command "${first}". Commands: ${known}. Run \`evalbox --help\` for usage.`)
  }
  const usage = COMMAND_USAGE[first] ?? MAIN_USAGE
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${usage}\n`)
    return 0
  }
  try {
    return await command(rest, io)
  } catch (error) {
    if (error instanceof EvalboxError) {
      if (error.code === 'CLI_USAGE') return fail(io, error.message.replace(/^evalbox /, ''), usage)
      if (error.code === 'NO_RESULTS') return fail(io, error.message)
      io.stderr.write(`evalbox: ${error.message}\n`)
      return 1
    }
    io.stderr.write(`evalbox: unexpected error: ${errorMessage(error)}\n`)
    if (error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`)
    return 1
  }
}

/**
 * The CLI prints what result files hold (which older evalbox versions did not redact): every
 * line goes out with the secrets of its environment and every key shape redacted.
 */
function redactingIo(io: CliIo): CliIo {
  const redactor = createRedactor([], io.env)
  const through = (stream: CliIo['stdout']): CliIo['stdout'] => ({
    write: (text: string) => stream.write(redactor.redact(text)),
    isTTY: stream.isTTY,
  })
  return { ...io, stdout: through(io.stdout), stderr: through(io.stderr) }
}

/** True when this module is the script Node was started with (also through a bin symlink). */
function isProcessEntry(): boolean {
  const entry = process.argv[1]
  if (!entry) return false
  try {
    return pathToFileURL(realpathSync(entry)).href === import.meta.url
  } catch {
    return false
  }
}

if (isProcessEntry()) {
  // `evalbox list | head` closes the pipe early; that is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0)
    throw error
  })
  const io = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env }
  main(process.argv.slice(2), io).then((code) => {
    process.exitCode = code
  })
}
