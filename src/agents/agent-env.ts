import * as z from 'zod'
import { lazy } from '../core/lazy.ts'

/**
 * The environment an agent gets: a record of values, or a list whose items are either a
 * variable name whose value is copied from the host environment (skipped when the host
 * has no such variable) or `NAME=value` (a fixed value), as with `docker run -e`.
 */
export type AgentEnv = Readonly<Record<string, string>> | readonly string[]

/** An environment variable name, as the shell takes it. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

const ITEM = /^[A-Za-z_][A-Za-z0-9_]*(=[\s\S]*)?$/

/** An environment variable name, such as `ANTHROPIC_API_KEY`. */
export const envNameSchema = lazy(() =>
  z.string().regex(ENV_NAME, 'must be an environment variable name such as "ANTHROPIC_API_KEY"'),
)

/** The `env` option of the agents: checked where the agent is defined. */
export const agentEnvSchema = lazy(() =>
  z.union([
    z.array(
      z
        .string()
        .regex(
          ITEM,
          'must be an environment variable name such as "ANTHROPIC_API_KEY" (copied from the host) or "NAME=value"',
        ),
    ),
    z
      .record(z.string(), z.string())
      .refine(
        (env) => Object.keys(env).every((name) => ENV_NAME.test(name)),
        'must have environment variable names as keys, such as { LOG_LEVEL: "debug" }',
      ),
  ]),
)

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
