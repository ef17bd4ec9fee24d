import { availableParallelism } from 'node:os'
import { z } from 'zod'
import { closest } from '../core/validate.ts'
import { isCapability, isImageReference, isRuntimeName, MIN_PIDS } from './docker/container-config.ts'
import { isProviderName, providerChoices, providerNames } from './providers.ts'
import { MIN_DISK_BYTES, MIN_MEMORY_BYTES, sizeBytes, sizeExpected } from './size.ts'

/** Which provider runs a case: `auto` or a registered provider (`sandbox/providers.ts`). */
export type SandboxProviderName = 'auto' | 'local' | 'docker' | (string & {})

/** How a case's sandbox is made. Every field is optional; project defaults fill the gaps. */
export interface SandboxSpec {
  /**
   * `auto`: Docker when an engine answers and an image is set, otherwise local (one notice
   * per run). `EVALBOX_SANDBOX=docker|local` (any registered provider) overrides `auto`.
   * @default 'auto'
   */
  provider?: SandboxProviderName
  /**
   * Host folder copied into the sandbox's workdir, relative to the project root. It must
   * lie inside the project root, symbolic links resolved, unless `allowOutsideRoot`.
   */
  workspace?: string
  /** Let `workspace` and `build.context` name folders outside the project root. @default false */
  allowOutsideRoot?: boolean
  /** Docker image. */
  image?: string
  /** When to pull `image`. @default 'missing' */
  pull?: 'missing' | 'never' | 'always'
  /** Build the image from a context folder instead (tagged by a hash of its contents). */
  build?: { context: string; dockerfile?: string }
  /**
   * Resource limits (docker); unset ones keep their defaults.
   * @default { memory: '2g', pids: 1024, disk: '1g' } (no CPU limit)
   */
  limits?: { memory?: string | number; cpus?: number; pids?: number; disk?: string | number }
  /** Docker network. @default 'none' */
  network?: 'none' | 'bridge'
  /**
   * Run commands as this user (docker), e.g. `'1000:1000'`, `'node'`, `'root'`.
   * @default the image's user when it is not root, else '1000:1000'
   */
  user?: string
  /** Mount the root filesystem read-only; workdir, outputs, `$HOME` and /tmp stay writable (docker). @default true */
  readOnlyRoot?: boolean
  /** Capabilities given back after all are dropped (docker), e.g. `['CHOWN']`. @default [] */
  capAdd?: string[]
  /** Forbid gaining privileges through setuid binaries or file capabilities (docker). @default true */
  noNewPrivileges?: boolean
  /** OCI runtime of the engine (docker), e.g. `'runsc'` for gVisor. @default the engine's default */
  runtime?: string
  /** Folder in the sandbox whose contents are kept in the case's run directory. @default '/home/output' */
  outputs?: string
  /** Workspace path inside a docker sandbox. @default '/workspace' */
  workdir?: string
  /** Environment variables set for every command in the sandbox. */
  env?: Record<string, string>
  /** Keep this many fresh containers ready for this spec (docker). Each serves one case. @default 0 */
  warm?: number
  /**
   * Caps on what is copied out of the sandbox per case. Outputs past them are left out and
   * listed (`metrics.outputs`); a workspace past them is not harvested (an infrastructure
   * failure naming the cap). Sizes are apparent: a sparse file counts in full.
   * @default { outputBytes: 104_857_600, outputFiles: 10_000, workspaceBytes: 268_435_456, workspaceFiles: 50_000 }
   */
  copyLimits?: {
    outputBytes?: number
    outputFiles?: number
    workspaceBytes?: number
    workspaceFiles?: number
  }
}

/** What the `sandbox` option accepts: a provider name or a full spec. */
export type SandboxOption = SandboxProviderName | SandboxSpec

const size = (min: number) =>
  z.union([z.string(), z.number()]).refine((value) => sizeBytes(value) >= min, `must be ${sizeExpected(min)}`)

/** CPUs of this machine, or no bound when the engine is elsewhere (it checks itself). */
function maxCpus(): number {
  const host = process.env.DOCKER_HOST
  return !host || host.startsWith('unix://') ? availableParallelism() : Number.POSITIVE_INFINITY
}

const providerName = z.string().refine(isProviderName, {
  error: (issue) => {
    const near = closest(String(issue.input), [...providerNames(), 'auto'])
    return `must be ${providerChoices()} (the registered providers)${near ? ` (did you mean "${near}"?)` : ''}`
  },
})

/** A sandbox spec object (the project's `sandbox`, or an eval's when not a provider name). */
export const sandboxSpecSchema = z.strictObject({
  provider: providerName.optional(),
  workspace: z.string().min(1).optional(),
  allowOutsideRoot: z.boolean().optional(),
  image: z
    .string()
    .refine(
      isImageReference,
      'must be a Docker image reference like "evalbox-base:bookworm-1" or "node:22-bookworm-slim"',
    )
    .optional(),
  pull: z.enum(['missing', 'never', 'always']).optional(),
  build: z.strictObject({ context: z.string().min(1), dockerfile: z.string().min(1).optional() }).optional(),
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
  runtime: z.string().refine(isRuntimeName, 'must be a runtime name of the engine, like "runsc"').optional(),
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
})

/** The `sandbox` option of an eval or a data row: a provider name or a spec. */
export const sandboxOptionSchema = z.union([providerName, sandboxSpecSchema])

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
