import { parseArgs } from 'node:util'
import { errorMessage } from '../errors.ts'
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
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true })
    return { flags: values as CommandFlags, positionals }
  } catch (error) {
    // Node's messages are long and suggest `--` escapes; keep the first sentence.
    const first = errorMessage(error).split(/\.\s/)[0]?.replace(/\.$/, '')
    throw usageError(`evalbox ${command}: ${first}.`)
  }
}
