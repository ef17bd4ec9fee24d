import { posix } from 'node:path'
import type { ContainerCreateOptions } from 'dockerode'
import { describeValue, EvalboxError } from '../../core/errors.ts'
import { MIN_DISK_BYTES, MIN_MEMORY_BYTES, sizeBytes, sizeExpected } from '../size.ts'
import type { PullPolicy } from './images.ts'
import type { Owner } from './tar-in.ts'

/** Resource limits of a docker sandbox. */
export interface DockerLimits {
  /** Memory limit, swap and the in-memory writable folders included: bytes, or `'512m'` / `'2g'`. @default '2g' */
  memory?: string | number
  /** CPU share, e.g. `1.5`. @default no limit */
  cpus?: number
  /** Maximum number of processes and threads (fork bombs stop here). @default 1024 */
  pids?: number
  /** Size of each writable folder (workdir, outputs, `HOME`, `/tmp`); writing more fails with ENOSPC. @default '1g' */
  disk?: string | number
}

/** The limits every docker sandbox gets unless its spec sets others. */
export const DEFAULT_LIMITS = { memory: '2g', pids: 1024, disk: '1g' } as const
/** The user commands run as when neither the spec nor the image names a non-root user. */
export const DEFAULT_USER = '1000:1000'
/** `$HOME` of a docker sandbox unless `env.HOME` says otherwise: a writable folder. */
export const DEFAULT_HOME = '/home/sandbox'
/** Init, `sleep` and evalbox's own helper commands need a few processes before any command runs. */
export const MIN_PIDS = 16

/** Linux capability names `capAdd` accepts (without the `CAP_` prefix). */
export const CAPABILITIES = [
  'AUDIT_CONTROL',
  'AUDIT_READ',
  'AUDIT_WRITE',
  'BLOCK_SUSPEND',
  'BPF',
  'CHECKPOINT_RESTORE',
  'CHOWN',
  'DAC_OVERRIDE',
  'DAC_READ_SEARCH',
  'FOWNER',
  'FSETID',
  'IPC_LOCK',
  'IPC_OWNER',
  'KILL',
  'LEASE',
  'LINUX_IMMUTABLE',
  'MAC_ADMIN',
  'MAC_OVERRIDE',
  'MKNOD',
  'NET_ADMIN',
  'NET_BIND_SERVICE',
  'NET_BROADCAST',
  'NET_RAW',
  'PERFMON',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_ADMIN',
  'SYS_BOOT',
  'SYS_CHROOT',
  'SYS_MODULE',
  'SYS_NICE',
  'SYS_PACCT',
  'SYS_PTRACE',
  'SYS_RAWIO',
  'SYS_RESOURCE',
  'SYS_TIME',
  'SYS_TTY_CONFIG',
  'SYSLOG',
  'WAKE_ALARM',
] as const

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
  /** Memory, CPU, process and disk limits; unset ones keep their defaults. @default DEFAULT_LIMITS */
  limits?: DockerLimits
  /** `'none'` has no network at all; `'bridge'` is Docker's default network. @default 'none' */
  network?: 'none' | 'bridge'
  /**
   * User for commands (`'1000'`, `'1000:1000'`, `'node'`, `'root'`); owns workdir and outputs.
   * @default the image's user when it is not root, else '1000:1000'
   */
  user?: string
  /** Mount the root filesystem read-only; only the writable folders accept writes. @default true */
  readOnlyRoot?: boolean
  /** Capabilities given back after dropping all (`'CHOWN'`, `'NET_BIND_SERVICE'`). @default [] */
  capAdd?: string[]
  /** Forbid gaining privileges (setuid binaries, file capabilities). @default true */
  noNewPrivileges?: boolean
  /** OCI runtime of the engine, such as `'runsc'` (gVisor). @default the engine's default (runc) */
  runtime?: string
  /** Absolute path of the output folder (`$EVALBOX_OUTPUT_DIR`). @default '/home/output' */
  outputs?: string
  /** Container labels, e.g. `evalbox.run`, so leftovers can be found and removed. @default {} */
  labels?: Record<string, string>
  /**
   * Host folder holding the run's model-gateway socket, mounted read-only at
   * {@link GATEWAY_MOUNT}: with `network: 'none'` it is the one way out of the container,
   * and it leads only to the gateway. @default not mounted
   */
  gatewayDir?: string
}

/** Where the model gateway's socket folder is mounted in a container. */
export const GATEWAY_MOUNT = '/run/evalbox-gateway'

/** Options with defaults applied and checked. */
export interface ResolvedDockerOptions
  extends Required<Omit<DockerSandboxOptions, 'workspace' | 'user' | 'limits' | 'runtime' | 'gatewayDir'>> {
  workspace: string | undefined
  gatewayDir: string | undefined
  user: string | undefined
  runtime: string | undefined
  memoryBytes: number
  diskBytes: number
  pids: number
  cpus: number | undefined
  /** `$HOME` in the sandbox. */
  home: string
  /** The writable folders: workdir, outputs, `$HOME` and `/tmp`, each a sized tmpfs. */
  writable: string[]
}

export { MIN_DISK_BYTES, MIN_MEMORY_BYTES } from '../size.ts'

/** Parses a memory size (`'512m'`, `'1.5g'`, `67108864`; see `../size.ts`) into bytes. */
export function parseMemory(value: string | number): number {
  return parseSize('limits.memory', value, MIN_MEMORY_BYTES)
}

function parseSize(option: string, value: unknown, min: number): number {
  const bytes = sizeBytes(value)
  if (!(bytes >= min)) throw invalid(option, value, sizeExpected(min))
  return bytes
}

/**
 * Whether `image` is a Docker image reference (`name[:tag][@digest]`, with an optional
 * registry host), per the grammar of distribution/reference.
 */
export function isImageReference(image: string): boolean {
  const component = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
  const host =
    '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?'
  const tag = '(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?'
  const digest = '(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?'
  return (
    image.length <= 255 && new RegExp(`^${host}${component}(?:/${component})*${tag}${digest}$`).test(image)
  )
}

/** Whether a capability name is one `capAdd` accepts (`CAP_` prefix and case ignored). */
export function isCapability(name: string): boolean {
  return (CAPABILITIES as readonly string[]).includes(name.toUpperCase().replace(/^CAP_/, ''))
}

/** Whether a runtime name can be one the engine knows (`runsc`, `io.containerd.runc.v2`). */
export function isRuntimeName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)
}

/** Applies defaults and validates; errors name the option, the value and the fix. */
export function resolveDockerOptions(options: DockerSandboxOptions): ResolvedDockerOptions {
  if (typeof options?.image !== 'string' || !isImageReference(options.image)) {
    throw invalid('image', options?.image, "an image reference such as 'evalbox-base:bookworm-1'")
  }
  const workdir = options.workdir ?? '/workspace'
  const outputs = options.outputs ?? '/home/output'
  const env = options.env ?? {}
  const home = env.HOME ?? DEFAULT_HOME
  for (const [name, value] of [
    ['workdir', workdir],
    ['outputs', outputs],
    ['env.HOME', home],
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
  const limits = { ...DEFAULT_LIMITS, ...options.limits }
  if (limits.cpus !== undefined && !(Number.isFinite(limits.cpus) && limits.cpus > 0)) {
    throw invalid('limits.cpus', limits.cpus, 'a positive number such as 1.5')
  }
  if (!(Number.isInteger(limits.pids) && limits.pids >= MIN_PIDS)) {
    throw invalid('limits.pids', limits.pids, `an integer of at least ${MIN_PIDS}, such as 256`)
  }
  const capAdd = options.capAdd ?? []
  const badCap = capAdd.find((cap) => typeof cap !== 'string' || !isCapability(cap))
  if (badCap !== undefined) throw invalid('capAdd', badCap, "Linux capability names such as 'CHOWN'")
  if (
    options.runtime !== undefined &&
    !(typeof options.runtime === 'string' && isRuntimeName(options.runtime))
  ) {
    throw invalid('runtime', options.runtime, "an engine runtime name such as 'runsc'")
  }
  const dirs = [workdir, outputs, home, '/tmp'].map((dir) => posix.normalize(dir))
  return {
    image: options.image,
    pull,
    workspace: options.workspace,
    workdir: dirs[0]!,
    outputs: dirs[1]!,
    home: dirs[2]!,
    writable: [...new Set(dirs)],
    env,
    memoryBytes: parseMemory(limits.memory),
    diskBytes: parseSize('limits.disk', limits.disk, MIN_DISK_BYTES),
    pids: limits.pids,
    cpus: limits.cpus,
    network,
    user: options.user,
    readOnlyRoot: options.readOnlyRoot ?? true,
    capAdd: capAdd.map((cap) => cap.toUpperCase().replace(/^CAP_/, '')),
    noNewPrivileges: options.noNewPrivileges ?? true,
    runtime: options.runtime,
    labels: options.labels ?? {},
    gatewayDir: options.gatewayDir,
  }
}

/**
 * The container to create: `sleep infinity` under Docker's init (which reaps orphans),
 * never with the Docker socket mounted; all capabilities dropped but `capAdd`, no new
 * privileges, limits on memory, processes and CPU. Each writable folder is a volume of
 * the `local` driver backed by a tmpfs of `limits.disk` bytes, owned by the sandbox user
 * (`/tmp`: root, mode 1777): unlike a plain tmpfs mount, the archive API writes into it,
 * and unlike the container layer it is bounded. Docker removes it with the container.
 */
export function containerConfig(o: ResolvedDockerOptions, owner: Owner): ContainerCreateOptions {
  const env = { LANG: 'C.UTF-8', ...o.env, HOME: o.home, EVALBOX_OUTPUT_DIR: o.outputs }
  const tmpfs = (dir: string) => {
    const [uid, gid, mode] = dir === '/tmp' ? [0, 0, '1777'] : [owner.uid, owner.gid, '0755']
    const mountOptions = `size=${o.diskBytes},uid=${uid},gid=${gid},mode=${mode},nosuid,nodev`
    return {
      Type: 'volume' as const,
      Source: '',
      Target: dir,
      VolumeOptions: {
        NoCopy: false,
        Labels: {},
        DriverConfig: { Name: 'local', Options: { type: 'tmpfs', device: 'tmpfs', o: mountOptions } },
      },
    }
  }
  return {
    Image: o.image,
    Cmd: ['sleep', 'infinity'],
    WorkingDir: o.workdir,
    Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
    Labels: { 'evalbox.sandbox': 'docker', ...o.labels },
    User: `${owner.uid}:${owner.gid}`,
    HostConfig: {
      Init: true,
      NetworkMode: o.network,
      ReadonlyRootfs: o.readOnlyRoot,
      Mounts: [
        ...o.writable.map(tmpfs),
        ...(o.gatewayDir === undefined
          ? []
          : [{ Type: 'bind' as const, Source: o.gatewayDir, Target: GATEWAY_MOUNT, ReadOnly: true }]),
      ],
      CapDrop: ['ALL'],
      CapAdd: o.capAdd,
      SecurityOpt: o.noNewPrivileges ? ['no-new-privileges'] : [],
      Memory: o.memoryBytes,
      MemorySwap: o.memoryBytes,
      PidsLimit: o.pids,
      ...(o.cpus === undefined ? {} : { NanoCpus: Math.round(o.cpus * 1e9) }),
      ...(o.runtime === undefined ? {} : { Runtime: o.runtime }),
    },
  }
}

function invalid(option: string, value: unknown, expected: string): EvalboxError {
  return new EvalboxError(
    'INVALID_OPTIONS',
    `Expected \`${option}\` to be ${expected}, got ${describeValue(value)}`,
  )
}
