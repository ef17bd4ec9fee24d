import { stat } from 'node:fs/promises'
import type { Container } from 'dockerode'
import { describeValue, EvalboxError, errorMessage, SandboxUnavailableError } from '../../errors.ts'
import { STEP_PROCESSES, type StepProcesses } from '../agent-step.ts'
import { resolveSandboxPath } from '../paths.ts'
import { READ_TREE, type TreeReader } from '../tree.ts'
import type { Sandbox } from '../types.ts'
import { UNTOUCHED, type UntouchedProbe } from '../untouched.ts'
import {
  containerConfig,
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
import { imageFacts } from './images.ts'
import { runInternal } from './internal-exec.ts'
import { killStepProcesses, processSnapshot } from './kill-tree.ts'
import { resolveOwner } from './owner.ts'
import type { Owner } from './tar-in.ts'
import { packBytes, packDir, packHostPath } from './tar-in.ts'
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
  const facts = await imageFacts(o.image, o.pull, engine)
  let container: Container
  try {
    container = await engine.docker.createContainer(containerConfig(o))
  } catch (error) {
    throw engineError(engine, error, `Creating a container of ${describeValue(o.image)} failed`)
  }
  let owner = { uid: 0, gid: 0 }
  try {
    await container.start()
    owner = await resolveOwner(container, o.user ?? facts.user)
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
  const facts = await imageFacts(o.image, 'never', engine)
  const container = engine.docker.getContainer(id)
  let owner = { uid: 0, gid: 0 }
  try {
    owner = await resolveOwner(container, o.user ?? facts.user)
  } catch (error) {
    throw engineError(engine, error, `Taking over container ${id.slice(0, 12)} failed`)
  }
  return wrapContainer(engine, container, o, owner)
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
    workdir: o.workdir,
    outputs: o.outputs,
    readOnlyRoot: o.readOnlyRoot,
    owner,
    // Root in a writable root filesystem needs no upload: the first exec makes the output
    // folder (Docker already made the workdir). Saves a round trip per sandbox.
    layoutPending: o.workspace === undefined && owner.uid === 0 && !o.readOnlyRoot,
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
  if (!files.layoutPending) {
    try {
      // In a writable root the first upload also makes the output folder.
      files.layoutPending = !o.readOnlyRoot
      if (o.workspace !== undefined || !o.readOnlyRoot) {
        await putAt(files, o.workdir, async (pack, name) => {
          if (o.workspace) await packHostPath(pack, o.workspace, name, owner)
          packDir(pack, name, owner)
        })
      }
      // Read-only root: workdir and outputs are volumes, and the archive API skips the
      // entry for a volume's own root, so the user gets them with chown from inside.
      if (o.readOnlyRoot && owner.uid !== 0) {
        const chown = ['chown', `${owner.uid}:${owner.gid}`, o.workdir, o.outputs]
        const { exitCode } = await runInternal(container, chown, '0')
        if (exitCode !== 0)
          throw new EvalboxError('SANDBOX_UNAVAILABLE', `${chown.join(' ')} failed in the sandbox`)
      }
    } catch (error) {
      await container.remove({ force: true, v: true }).catch(() => {})
      throw error
    }
  }
  // Set by the first command when the engine made the folders (see workdir-stamp.ts).
  const stamp = newStamp()
  let stamped = false
  const execTarget: ExecTarget = {
    container,
    workdir: o.workdir,
    memoryLimited: o.memoryBytes !== undefined,
    oomKills: 0,
    unavailable,
    prepare: async (cmd, cwd) => {
      if (!files.layoutPending) return cmd
      if (cwd !== undefined) {
        await putAt(files, '/', async () => {})
        return cmd
      }
      files.layoutPending = false
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
  const beforeRead = async (target: string) => {
    if (files.layoutPending && (target === o.outputs || target.startsWith(`${o.outputs}/`))) {
      await putAt(files, '/', async () => {})
    }
    return target
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
    readFile: async (p) => readContainerFile(files, await beforeRead(path(p))),
    writeFile: async (p, data) => {
      await putAt(files, path(p), async (pack, name) =>
        packBytes(pack, name, typeof data === 'string' ? Buffer.from(data) : data, owner),
      )
    },
    copyIn: async (hostPath, sandboxPath) => {
      const target = path(sandboxPath)
      await stat(hostPath)
      await putAt(files, target, (pack, name) => packHostPath(pack, hostPath, name, owner))
    },
    copyOut: async (sandboxPath, hostPath, options) =>
      copyOutOfContainer(files, await beforeRead(path(sandboxPath)), hostPath, options),
    [READ_TREE]: async (sandboxPath, visit) =>
      readContainerTree(files, await beforeRead(path(sandboxPath)), visit),
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
