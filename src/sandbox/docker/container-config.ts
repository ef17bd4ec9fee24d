import { posix } from 'node:path'
import type { ContainerCreateOptions } from 'dockerode'
import { describeValue, EvalboxError } from '../../errors.ts'
import type { PullPolicy } from './images.ts'

/** Resource limits of a docker sandbox. */
export interface DockerLimits {
  /** Memory limit, swap included: bytes, or a string such as `'512m'` / `'2g'`. @default no limit */
  memory?: string | number
  /** CPU share, e.g. `1.5`. @default no limit */
  cpus?: number
  /** Maximum number of processes (fork bombs stop here). @default no limit */
  pids?: number
}

/** Options of `createDockerSandbox`. */
export interface DockerSandboxOptions {
  /** Image to run, e.g. `'evalbox-base:bookworm-1'`. */
  image: string
  /** When to pull `image` from a registry. @default 'missing' */
  pull?: PullPolicy
  /** Host folder whose contents are copied into `workdir`. @default no files */
  workspace?: string
  /** Absolute path of the workspace in the container. @default '/workspace' */
  workdir?: string
  /** Environment variables set for every command (exec's own `env` wins). @default {} */
  env?: Record<string, string>
  /** Memory, CPU and process limits. @default none */
  limits?: DockerLimits
  /** `'none'` has no network at all; `'bridge'` is Docker's default network. @default 'none' */
  network?: 'none' | 'bridge'
  /** User for commands (`'1000'`, `'1000:1000'`, `'node'`); owns workdir and outputs. @default the image's user */
  user?: string
  /** Mount the root filesystem read-only; workdir, outputs and `/tmp` stay writable. @default false */
  readOnlyRoot?: boolean
  /** Absolute path of the output folder (`$EVALBOX_OUTPUT_DIR`). @default '/home/output' */
  outputs?: string
  /** Container labels, e.g. `evalbox.run`, so leftovers can be found and removed. @default {} */
  labels?: Record<string, string>
}

/** Options with defaults applied and checked. */
export interface ResolvedDockerOptions
  extends Required<Omit<DockerSandboxOptions, 'workspace' | 'user' | 'limits'>> {
  workspace: string | undefined
  user: string | undefined
  memoryBytes: number | undefined
  limits: DockerLimits
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }

/** Parses a memory size (`'512m'`, `'1.5g'`, `67108864`) into bytes. */
export function parseMemory(value: string | number): number {
  const match = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*([bkmgt]?)b?\s*$/i.exec(value) : null
  const bytes =
    typeof value === 'number'
      ? value
      : match
        ? Math.floor(Number(match[1]) * UNITS[match[2]!.toLowerCase()]!)
        : Number.NaN
  // Docker refuses limits under 6 MiB.
  if (!Number.isInteger(bytes) || bytes < 6 * 1024 ** 2) {
    throw invalid('limits.memory', value, "a size of at least 6 MiB, such as '512m' or 536870912")
  }
  return bytes
}

/** Applies defaults and validates; errors name the option, the value and the fix. */
export function resolveDockerOptions(options: DockerSandboxOptions): ResolvedDockerOptions {
  if (typeof options?.image !== 'string' || options.image.trim() === '') {
    throw invalid('image', options?.image, "an image name such as 'evalbox-base:bookworm-1'")
  }
  const workdir = options.workdir ?? '/workspace'
  const outputs = options.outputs ?? '/home/output'
  for (const [name, value] of [
    ['workdir', workdir],
    ['outputs', outputs],
  ] as const) {
    if (typeof value !== 'string' || !posix.isAbsolute(value) || posix.normalize(value) === '/') {
      throw invalid(name, value, "an absolute folder path other than '/', such as '/workspace'")
    }
  }
  const network = options.network ?? 'none'
  if (network !== 'none' && network !== 'bridge') throw invalid('network', network, "'none' or 'bridge'")
  const pull = options.pull ?? 'missing'
  if (!['missing', 'never', 'always'].includes(pull))
    throw invalid('pull', pull, "'missing', 'never' or 'always'")
  const limits = options.limits ?? {}
  if (limits.cpus !== undefined && !(Number.isFinite(limits.cpus) && limits.cpus > 0)) {
    throw invalid('limits.cpus', limits.cpus, 'a positive number such as 1.5')
  }
  if (limits.pids !== undefined && !(Number.isInteger(limits.pids) && limits.pids > 0)) {
    throw invalid('limits.pids', limits.pids, 'a positive integer such as 256')
  }
  return {
    image: options.image,
    pull,
    workspace: options.workspace,
    workdir: posix.normalize(workdir),
    outputs: posix.normalize(outputs),
    env: options.env ?? {},
    limits,
    memoryBytes: limits.memory === undefined ? undefined : parseMemory(limits.memory),
    network,
    user: options.user,
    readOnlyRoot: options.readOnlyRoot ?? false,
    labels: options.labels ?? {},
  }
}

/**
 * The container to create: `sleep infinity` under Docker's init (which reaps orphans),
 * never with the Docker socket mounted. With a read-only root, workdir and outputs are
 * anonymous volumes (Docker's archive API cannot write into tmpfs mounts) and `/tmp` is
 * a tmpfs.
 */
export function containerConfig(o: ResolvedDockerOptions): ContainerCreateOptions {
  const env = { LANG: 'C.UTF-8', ...o.env, EVALBOX_OUTPUT_DIR: o.outputs }
  return {
    Image: o.image,
    Cmd: ['sleep', 'infinity'],
    WorkingDir: o.workdir,
    Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
    Labels: { 'evalbox.sandbox': 'docker', ...o.labels },
    ...(o.user === undefined ? {} : { User: o.user }),
    ...(o.readOnlyRoot ? { Volumes: { [o.workdir]: {}, [o.outputs]: {} } } : {}),
    HostConfig: {
      Init: true,
      NetworkMode: o.network,
      ReadonlyRootfs: o.readOnlyRoot,
      ...(o.readOnlyRoot ? { Tmpfs: { '/tmp': 'rw,nosuid,nodev,mode=1777' } } : {}),
      ...(o.memoryBytes === undefined ? {} : { Memory: o.memoryBytes, MemorySwap: o.memoryBytes }),
      ...(o.limits.cpus === undefined ? {} : { NanoCpus: Math.round(o.limits.cpus * 1e9) }),
      ...(o.limits.pids === undefined ? {} : { PidsLimit: o.limits.pids }),
    },
  }
}

function invalid(option: string, value: unknown, expected: string): EvalboxError {
  return new EvalboxError(
    'INVALID_OPTIONS',
    `Expected \`${option}\` to be ${expected}, got ${describeValue(value)}`,
  )
}
