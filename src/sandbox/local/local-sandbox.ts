import { cp, mkdir, mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { describeValue, EvalboxError, SandboxUnavailableError } from '../../core/errors.ts'
import { STEP_PROCESSES, type StepProcesses } from '../agent-step.ts'
import { resolveSandboxPath } from '../paths.ts'
import { READ_TREE, type TreeReader } from '../tree.ts'
import { KILL_GRACE_MS, type Sandbox } from '../types.ts'
import { copyOutLocal, readLocalTree } from './local-copy-out.ts'
import { type LocalExecContext, runLocalExec, SANDBOX_MARKER } from './local-exec.ts'
import { killProcesses, stopProcesses } from './process-group.ts'

/** Options of {@link createLocalSandbox}. */
export interface LocalSandboxOptions {
  /** Host folder whose contents are copied into the workdir. @default no files */
  workspace?: string
  /** Environment variables set for every command (exec's own `env` wins). @default {} */
  env?: Record<string, string>
  /** Readable tag put into the temp directory name, e.g. the case name. @default 'sandbox' */
  label?: string
}

/**
 * Makes a sandbox from a fresh temp directory: `workspace/` (the workdir), `output/`
 * (the output folder) and `home/` (`$HOME`). Each command runs in its own process group
 * with only `PATH` taken from the host environment; dispose kills every group the
 * sandbox started, and on Linux every process that carries the sandbox's id in its
 * environment (daemons that called `setsid` included), then deletes the directory.
 *
 * This provider isolates files and environment, not the machine: commands can read and
 * write anything the host user can, and a process that both leaves its group and clears
 * its environment (or any `setsid` daemon on macOS, which has no `/proc`) survives
 * dispose. Use the docker provider for untrusted agents.
 */
export async function createLocalSandbox(options: LocalSandboxOptions = {}): Promise<Sandbox> {
  const workspace = options.workspace === undefined ? undefined : await checkWorkspace(options.workspace)
  const label = (options.label ?? 'sandbox').replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 40)
  // realpath: on macOS the temp dir is behind a symlink, and `pwd` must equal `workdir`.
  const root = await realpath(await mkdtemp(join(tmpdir(), `evalbox-${label}-`)))
  const workdir = join(root, 'workspace')
  const outputDir = join(root, 'output')
  const home = join(root, 'home')
  await Promise.all([workdir, outputDir, home].map((dir) => mkdir(dir)))
  if (workspace) await cp(workspace, workdir, { recursive: true, verbatimSymlinks: true })

  const id = basename(root)
  const groups = new Set<number>()
  const lingering = new Set<Socket>()
  let step: LocalExecContext['step']
  const env = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    ...options.env,
    EVALBOX_OUTPUT_DIR: outputDir,
  }
  let disposing: Promise<void> | undefined
  const path = (p: string) => {
    if (disposing) throw new SandboxUnavailableError(`Local sandbox ${id} was disposed; create a new sandbox`)
    return resolveSandboxPath(workdir, p)
  }

  const dispose = () => {
    disposing ??= (async () => {
      await killProcesses({ pgids: groups, markers: [`${SANDBOX_MARKER}=${id}`] })
      for (const pipe of lingering) pipe.destroy()
      await rm(root, { recursive: true, force: true, maxRetries: 3 })
    })()
    return disposing
  }

  const sandbox: Sandbox & TreeReader & StepProcesses = {
    id,
    provider: 'local',
    workdir,
    outputDir,
    exec: async (cmd, execOptions) => {
      path('.')
      return runLocalExec({ workdir, env, groups, lingering, id, step }, cmd, execOptions)
    },
    readFile: async (p) => readFile(path(p)),
    writeFile: async (p, data) => {
      const target = path(p)
      await mkdir(dirname(target), { recursive: true })
      await writeFile(target, data)
    },
    copyIn: async (hostPath, sandboxPath) => {
      const target = path(sandboxPath)
      await mkdir(dirname(target), { recursive: true })
      await cp(hostPath, target, { recursive: true, force: true, verbatimSymlinks: true })
    },
    copyOut: async (sandboxPath, hostPath, options) => copyOutLocal(path(sandboxPath), hostPath, options),
    [READ_TREE]: async (sandboxPath, visit) => readLocalTree(path(sandboxPath), visit),
    dispose,
    [Symbol.asyncDispose]: dispose,
    // The step's own groups and markers: what the eval's body started before stays.
    [STEP_PROCESSES]: async () => {
      const current = { groups: new Set<number>(), markers: new Set<string>() }
      step = current
      return async () => {
        if (step === current) step = undefined
        await stopProcesses({ pgids: current.groups, markers: current.markers }, KILL_GRACE_MS)
      }
    },
  }
  return sandbox
}

async function checkWorkspace(workspace: string): Promise<string> {
  const info = await stat(workspace).catch(() => undefined)
  if (!info?.isDirectory()) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `Expected \`workspace\` to be a host folder, got ${describeValue(workspace)}` +
        `${info ? ' (not a folder)' : ' (does not exist)'}. Pass the path of the fixture folder to copy in.`,
    )
  }
  return workspace
}
