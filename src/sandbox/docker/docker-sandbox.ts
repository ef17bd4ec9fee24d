import { stat } from 'node:fs/promises'
import type { Container } from 'dockerode'
import { describeValue, EvalboxError, errorMessage, SandboxUnavailableError } from '../../core/errors.ts'
import { STEP_PROCESSES, type StepProcesses } from '../agent-step.ts'
import { resolveSandboxPath } from '../paths.ts'
import { READ_TREE, type TreeReader } from '../tree.ts'
import type { Sandbox } from '../types.ts'
import { UNTOUCHED, type UntouchedProbe } from '../untouched.ts'
import {
  containerConfig,
  DEFAULT_USER,
  type DockerSandboxOptions,
  type ResolvedDockerOptions,
  resolveDockerOptions,
} from './container-config.ts'
import { type ExecTarget, runDockerExec } from './docker-exec.ts'
import {
  copyOutOfContainer,
  type FileTarget,
  nodeError,
  putAt,
  readContainerFile,
  readContainerTree,
} from './docker-files.ts'
import { type Engine, getEngine, isConnectionError, unreachableError } from './engine.ts'
import { imageFacts, type PullPolicy } from './images.ts'
import { killStepProcesses, processSnapshot } from './kill-tree.ts'
import { resolveOwner } from './owner.ts'
import type { Owner } from './tar-in.ts'
import { packBytes, packHostPath } from './tar-in.ts'
import { newStamp, stampedCommand, stillStamped } from './workdir-stamp.ts'

export type { DockerLimits, DockerSandboxOptions } from './container-config.ts'

/**
 * Makes a sandbox from a fresh container of `options.image`: `sleep infinity` under
 * Docker's init, no network unless asked, labelled, with the workspace copied in as a
 * tar stream. Timeouts and aborts kill every process the command started, daemons
 * included. Dispose force-removes the container (and its anonymous volumes).
 */
export async function createDockerSandbox(options: DockerSandboxOptions): Promise<Sandbox> {
  const o = resolveDockerOptions(options)
  if (o.workspace !== undefined) await checkWorkspace(o.workspace)
  const engine = await getEngine()
  const owner = await sandboxOwner(engine, o, o.pull)
  let container: Container
  try {
    container = await engine.docker.createContainer(containerConfig(o, owner))
  } catch (error) {
    if (o.runtime !== undefined && /unknown runtime/i.test(errorMessage(error))) {
      throw await unknownRuntime(engine, o.runtime, error)
    }
    throw engineError(engine, error, `Creating a container of ${describeValue(o.image)} failed`)
  }
  try {
    await container.start()
  } catch (error) {
    await container.remove({ force: true, v: true }).catch(() => {})
    throw engineError(
      engine,
      error,
      `Starting container ${container.id.slice(0, 12)} of ${describeValue(o.image)} failed`,
    )
  }
  return wrapContainer(engine, container, o, owner)
}

/**
 * A sandbox around a running container that `createDockerSandbox` made for the same options
 * in another process (the run's main process keeps warm containers for its workers). The
 * caller owns it from now on: its `dispose` removes the container.
 */
export async function attachDockerSandbox(id: string, options: DockerSandboxOptions): Promise<Sandbox> {
  const o = resolveDockerOptions(options)
  const engine = await getEngine()
  const container = engine.docker.getContainer(id)
  let owner: Owner
  try {
    owner = await sandboxOwner(engine, o, 'never')
  } catch (error) {
    throw engineError(engine, error, `Taking over container ${id.slice(0, 12)} failed`)
  }
  return wrapContainer(engine, container, o, owner)
}

/** The sandbox user: the spec's, else the image's unless that is root, else `DEFAULT_USER`. */
async function sandboxOwner(engine: Engine, o: ResolvedDockerOptions, pull: PullPolicy): Promise<Owner> {
  const { user: imageUser } = await imageFacts(o.image, pull, engine)
  const imageRoot = ['', '0', 'root'].includes(imageUser.split(':')[0]!)
  return resolveOwner(engine, o.image, o.user ?? (imageRoot ? DEFAULT_USER : imageUser))
}

/** The error for a runtime the engine does not have, listing the ones it has. */
async function unknownRuntime(engine: Engine, runtime: string, cause: unknown): Promise<EvalboxError> {
  const info = (await engine.docker.info().catch(() => ({}))) as { Runtimes?: Record<string, unknown> }
  const names = Object.keys(info.Runtimes ?? {}).sort()
  return new EvalboxError(
    'INVALID_OPTIONS',
    `Expected \`runtime\` to be a runtime of the Docker engine at ${engine.endpoint}, got ${describeValue(runtime)}; ` +
      `the engine has ${names.map((name) => JSON.stringify(name)).join(', ') || 'none listed'}. Register it in the ` +
      'engine\'s daemon.json ("runtimes") and restart dockerd, or drop `runtime`.',
    { cause },
  )
}

async function wrapContainer(
  engine: Engine,
  container: Container,
  o: ResolvedDockerOptions,
  owner: Owner,
): Promise<Sandbox> {
  const id = container.id
  let disposing: Promise<void> | undefined
  const unavailable = (error: unknown): Error => {
    if (error instanceof EvalboxError) return error
    const status = (error as { statusCode?: number }).statusCode
    if (isConnectionError(error) && !status) {
      return new SandboxUnavailableError(unreachableError(engine.endpoint, error).message, { cause: error })
    }
    return new SandboxUnavailableError(
      `Docker sandbox ${id.slice(0, 12)} is not usable (${errorMessage(error).trim()}); it was removed, stopped ` +
        'or never started. Create a new sandbox.',
      { cause: error },
    )
  }
  const files: FileTarget = {
    container,
    writable: o.writable,
    readOnlyRoot: o.readOnlyRoot,
    owner,
    fileError: (error, path) => {
      // dockerode prefixes every 404 with "no such container"; the engine's own text
      // ("No such container: <id>" vs "Could not find the file") tells them apart.
      const status = (error as { statusCode?: number }).statusCode
      if (status === 404 && !/- no such container/i.test(errorMessage(error))) {
        return nodeError('ENOENT', `no such file or folder in the sandbox: ${path}`)
      }
      return unavailable(error)
    },
  }
  // The writable folders are volumes owned by the sandbox user from the start; only a
  // workspace needs an upload.
  if (o.workspace !== undefined) {
    const workspace = o.workspace
    try {
      await putAt(files, o.workdir, (pack, name) => packHostPath(pack, workspace, name, owner))
    } catch (error) {
      await container.remove({ force: true, v: true }).catch(() => {})
      throw error
    }
  }
  // A sandbox with nothing copied in is stamped by its first command (see workdir-stamp.ts).
  const stamp = newStamp()
  let stampPending = o.workspace === undefined
  let stamped = false
  const execTarget: ExecTarget = {
    container,
    workdir: o.workdir,
    memoryLimited: true,
    oomKills: 0,
    unavailable,
    prepare: async (cmd, cwd) => {
      if (!stampPending) return cmd
      stampPending = false
      if (cwd !== undefined) return cmd
      stamped = true
      return stampedCommand(o, stamp, cmd)
    },
  }

  const path = (p: string) => {
    if (disposing)
      throw new SandboxUnavailableError(
        `Docker sandbox ${id.slice(0, 12)} was disposed; create a new sandbox`,
      )
    return resolveSandboxPath(o.workdir, p)
  }
  const dispose = () => {
    disposing ??= container.remove({ force: true, v: true }).then(
      () => {},
      (error: unknown) => {
        const status = (error as { statusCode?: number }).statusCode
        if (status === 404 || status === 409) return
        disposing = undefined
        throw unavailable(error)
      },
    )
    return disposing
  }

  let execs = 0
  const sandbox: Sandbox & UntouchedProbe & TreeReader & StepProcesses = {
    id,
    provider: 'docker',
    workdir: o.workdir,
    outputDir: o.outputs,
    exec: async (cmd, execOptions) => {
      path('.')
      execs++
      return runDockerExec(execTarget, cmd, execOptions)
    },
    readFile: async (p) => readContainerFile(files, path(p)),
    writeFile: async (p, data) => {
      stampPending = false
      await putAt(files, path(p), async (pack, name) =>
        packBytes(pack, name, typeof data === 'string' ? Buffer.from(data) : data, owner),
      )
    },
    copyIn: async (hostPath, sandboxPath) => {
      const target = path(sandboxPath)
      await stat(hostPath)
      stampPending = false
      await putAt(files, target, (pack, name) => packHostPath(pack, hostPath, name, owner))
    },
    copyOut: async (sandboxPath, hostPath, options) =>
      copyOutOfContainer(files, path(sandboxPath), hostPath, options),
    [READ_TREE]: async (sandboxPath, visit) => readContainerTree(files, path(sandboxPath), visit),
    dispose,
    [Symbol.asyncDispose]: dispose,
    [UNTOUCHED]: async () => stamped && !disposing && stillStamped(container, [o.workdir, o.outputs], stamp),
    // Only an exec starts processes: a step without one has nothing to stop.
    [STEP_PROCESSES]: async ({ keepEarlier }) => {
      const spare = keepEarlier && execs > 0 ? await processSnapshot(container).catch(() => []) : []
      const before = execs
      return async () => {
        if (execs > before) await killStepProcesses(container, spare)
      }
    },
  }
  return sandbox
}

function engineError(engine: Engine, error: unknown, what: string): Error {
  if (error instanceof EvalboxError) return error
  if (isConnectionError(error) && !(error as { statusCode?: number }).statusCode) {
    return unreachableError(engine.endpoint, error)
  }
  return new EvalboxError('SANDBOX_UNAVAILABLE', `${what}: ${errorMessage(error).trim()}`, { cause: error })
}

async function checkWorkspace(workspace: string): Promise<void> {
  const info = await stat(workspace).catch(() => undefined)
  if (!info?.isDirectory()) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `Expected \`workspace\` to be a host folder, got ${describeValue(workspace)}` +
        `${info ? ' (not a folder)' : ' (does not exist)'}. Pass the path of the fixture folder to copy in.`,
    )
  }
}
