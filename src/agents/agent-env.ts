import { describeValue, EvalboxError } from '../errors.ts'

/**
 * The environment an agent gets: a record of values, or a list whose items are either a
 * variable name whose value is copied from the host environment (skipped when the host
 * has no such variable) or `NAME=value` (a fixed value), as with `docker run -e`.
 */
export type AgentEnv = Readonly<Record<string, string>> | readonly string[]

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const ITEM = /^[A-Za-z_][A-Za-z0-9_]*(=[\s\S]*)?$/

/** Checks an `env` option at definition time; errors name the bad entry. */
export function checkAgentEnv(env: unknown, option = 'env'): void {
  if (env === undefined) return
  if (Array.isArray(env)) {
    for (const name of env) {
      if (typeof name !== 'string' || !ITEM.test(name)) {
        throw new EvalboxError(
          'INVALID_OPTIONS',
          `Expected \`${option}\` to list environment variable names, got ${describeValue(name)} in it. ` +
            "Use names such as 'ANTHROPIC_API_KEY' (copied from the host) or 'NAME=value'.",
        )
      }
    }
    return
  }
  if (typeof env !== 'object' || env === null) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `Expected \`${option}\` to be a record of values or a list of names, got ${describeValue(env)}`,
    )
  }
  for (const [name, value] of Object.entries(env)) {
    if (!NAME.test(name) || typeof value !== 'string') {
      throw new EvalboxError(
        'INVALID_OPTIONS',
        `Expected \`${option}.${name}\` to be a string value of a valid variable name, got ${describeValue(value)}`,
      )
    }
  }
}

/**
 * The variables that enter the sandbox: exactly the allowlisted ones. Nothing else of the
 * host environment is passed (the sandbox adds only its own basics, such as PATH and HOME).
 */
export function resolveAgentEnv(
  env: AgentEnv | undefined,
  host: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> {
  if (env === undefined) return {}
  if (!Array.isArray(env)) return { ...(env as Readonly<Record<string, string>>) }
  const values: Record<string, string> = {}
  for (const item of env as readonly string[]) {
    const equals = item.indexOf('=')
    if (equals > 0) {
      values[item.slice(0, equals)] = item.slice(equals + 1)
      continue
    }
    const value = host[item]
    if (value !== undefined) values[item] = value
  }
  return values
}
