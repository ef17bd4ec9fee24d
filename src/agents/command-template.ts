import { describeValue, EvalboxError } from '../core/errors.ts'

/** Placeholders an agent command may contain, e.g. `['my-agent', '--prompt-file', '{promptFile}']`. */
export type CommandPlaceholder = 'prompt' | 'promptFile' | 'maxTurns' | 'workdir'

const PLACEHOLDER = /\{(prompt|promptFile|maxTurns|workdir)\}/g

/** True when some argument of `command` contains `{name}`. */
export function commandUses(command: readonly string[], name: CommandPlaceholder): boolean {
  return command.some((arg) => arg.includes(`{${name}}`))
}

/**
 * Fills the placeholders of a command in one pass, so text substituted for one
 * placeholder (a prompt that mentions `{workdir}`) is never expanded again.
 * Throws when the command uses a placeholder that has no value.
 */
export function expandCommand(
  command: readonly string[],
  values: Partial<Record<CommandPlaceholder, string>>,
): string[] {
  return command.map((arg) =>
    arg.replace(PLACEHOLDER, (_, name: CommandPlaceholder) => {
      const value = values[name]
      if (value === undefined) {
        throw new EvalboxError(
          'INVALID_OPTIONS',
          `The agent command ${describeValue(command)} uses {${name}}, which has no value here. ` +
            (name === 'maxTurns'
              ? 'Set `maxTurns`, or remove {maxTurns} from the command.'
              : `Remove {${name}}.`),
        )
      }
      return value
    }),
  )
}

/** A command for logs: the prompt itself is replaced by `{prompt}` so logs stay short. */
export function describeCommand(argv: readonly string[], prompt: string | undefined): string {
  return argv
    .map((arg) => (prompt !== undefined && prompt !== '' ? arg.split(prompt).join('{prompt}') : arg))
    .map((arg) => (/^[\w@%+=:,./{}-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`))
    .join(' ')
}
