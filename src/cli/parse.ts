import { type ParseArgsConfig, parseArgs } from 'node:util'
import { errorMessage } from '../core/errors.ts'
import { usageError } from './context.ts'

/** The flags every command shares; a command may ignore some. */
export interface CommandFlags {
  dir?: string
  tier?: string
  json?: boolean
  help?: boolean
  /** gate: the baseline file. */
  baseline?: string
  /** gate: compare with the previous run instead of a baseline. */
  previous?: boolean
  /** gate: significance level, as typed. */
  alpha?: string
  /** gate: what fails the gate, comma-separated. */
  'fail-on'?: string
  /** baseline bless, merge: the file to write. */
  out?: string
  /** merge: merge runs that do not look like shards of one run. */
  force?: boolean
  /** show, compare: list every test, however many. */
  all?: boolean
  /** image build: the image tag. */
  tag?: string
}

const OPTIONS = {
  dir: { type: 'string' },
  tier: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  baseline: { type: 'string' },
  previous: { type: 'boolean' },
  alpha: { type: 'string' },
  'fail-on': { type: 'string' },
  out: { type: 'string' },
  force: { type: 'boolean' },
  all: { type: 'boolean' },
  tag: { type: 'string' },
} as const

/**
 * Parses a command's arguments strictly. An unknown flag or a missing value becomes a
 * `CLI_USAGE` error that names the command and the offending argument.
 */
export function parseCommand(
  command: string,
  args: string[],
  allowed: ReadonlyArray<keyof CommandFlags>,
): { flags: CommandFlags; positionals: string[] } {
  const options = Object.fromEntries(
    Object.entries(OPTIONS).filter(
      ([name]) => name === 'help' || allowed.includes(name as keyof CommandFlags),
    ),
  )
  const { values, positionals } = parseStrict(command, args, options)
  return { flags: values as CommandFlags, positionals }
}

/**
 * `parseArgs` in strict mode for one command, with Node's long message cut to its first
 * sentence and turned into a `CLI_USAGE` error naming the command.
 */
export function parseStrict<T extends ParseArgsConfig['options']>(
  command: string,
  args: string[],
  options: T,
) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true })
  } catch (error) {
    const first = errorMessage(error).split(/\.\s/)[0]?.replace(/\.$/, '')
    throw usageError(`evalbox ${command}: ${first}.`)
  }
}
