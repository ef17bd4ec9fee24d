import { availableParallelism } from 'node:os'
import * as z from 'zod'
import { lazy } from '../core/lazy.ts'
import { closest } from '../core/validate.ts'
import { isCapability, isImageReference, isRuntimeName, MIN_PIDS } from './docker/container-config.ts'
import { isProviderName, providerChoices, providerNames } from './providers.ts'
import { MIN_DISK_BYTES, MIN_MEMORY_BYTES, sizeBytes, sizeExpected } from './size.ts'
import type { SandboxProviderName, SandboxSpec } from './types.ts'

/** What the `sandbox` option accepts: a provider name or a full spec. */
export type SandboxOption = SandboxProviderName | SandboxSpec

const size = (min: number) =>
  z.union([z.string(), z.number()]).refine((value) => sizeBytes(value) >= min, `must be ${sizeExpected(min)}`)

/** CPUs of this machine, or no bound when the engine is elsewhere (it checks itself). */
function maxCpus(): number {
  const host = process.env.DOCKER_HOST
  return !host || host.startsWith('unix://') ? availableParallelism() : Number.POSITIVE_INFINITY
}

const providerName = lazy(() =>
  z.string().refine(isProviderName, {
    error: (issue) => {
      const near = closest(String(issue.input), [...providerNames(), 'auto'])
      return `must be ${providerChoices()} (the registered providers)${near ? ` (did you mean "${near}"?)` : ''}`
    },
  }),
)

/** A sandbox spec object (the project's `sandbox`, or an eval's when not a provider name). */
export const sandboxSpecSchema = lazy(() =>
  z.strictObject({
    provider: providerName().optional(),
    workspace: z.string().min(1).optional(),
    allowOutsideRoot: z.boolean().optional(),
    allowHost: z.boolean().optional(),
    hostFallback: z.boolean().optional(),
    image: z
      .string()
      .refine(
        isImageReference,
        'must be a Docker image reference like "evalbox-base:bookworm-1" or "node:22-bookworm-slim"',
      )
      .optional(),
    pull: z.enum(['missing', 'never', 'always']).optional(),
    build: z
      .strictObject({ context: z.string().min(1), dockerfile: z.string().min(1).optional() })
      .optional(),
    limits: z
      .strictObject({
        memory: size(MIN_MEMORY_BYTES).optional(),
        cpus: z
          .number()
          .positive()
          .refine((cpus) => cpus <= maxCpus(), {
            error: () => `must be at most the ${maxCpus()} CPUs of this machine`,
          })
          .optional(),
        pids: z
          .number()
          .int()
          .min(MIN_PIDS, `must be at least ${MIN_PIDS} (init, the command and evalbox's helpers need some)`)
          .optional(),
        disk: size(MIN_DISK_BYTES).optional(),
      })
      .optional(),
    network: z.enum(['none', 'bridge']).optional(),
    user: z.string().min(1).optional(),
    readOnlyRoot: z.boolean().optional(),
    capAdd: z
      .array(
        z.string().refine(isCapability, 'must be a Linux capability name like "CHOWN" or "NET_BIND_SERVICE"'),
      )
      .optional(),
    noNewPrivileges: z.boolean().optional(),
    runtime: z
      .string()
      .refine(isRuntimeName, 'must be a runtime name of the engine, like "runsc"')
      .optional(),
    outputs: z.string().startsWith('/', 'an absolute path').optional(),
    workdir: z.string().startsWith('/', 'an absolute path').optional(),
    env: z.record(z.string(), z.string()).optional(),
    warm: z.number().int().nonnegative().optional(),
    copyLimits: z
      .strictObject({
        outputBytes: z.number().int().nonnegative().optional(),
        outputFiles: z.number().int().nonnegative().optional(),
        workspaceBytes: z.number().int().nonnegative().optional(),
        workspaceFiles: z.number().int().nonnegative().optional(),
      })
      .optional(),
  }),
)

/** The `sandbox` option of an eval or a data row: a provider name or a spec. */
export const sandboxOptionSchema = lazy(() => z.union([providerName(), sandboxSpecSchema()]))

/** Turns an option into a spec and lays it over the project defaults (eval wins). */
export function resolveSandboxSpec(
  option: SandboxOption | undefined,
  defaults: SandboxSpec = {},
): SandboxSpec {
  const own: SandboxSpec = typeof option === 'string' ? { provider: option } : (option ?? {})
  return {
    ...defaults,
    ...own,
    limits: own.limits || defaults.limits ? { ...defaults.limits, ...own.limits } : undefined,
    copyLimits:
      own.copyLimits || defaults.copyLimits ? { ...defaults.copyLimits, ...own.copyLimits } : undefined,
    env: own.env || defaults.env ? { ...defaults.env, ...own.env } : undefined,
  }
}

export type { SandboxProviderName, SandboxSpec } from './types.ts'
