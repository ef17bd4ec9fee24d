import { type ChildProcess, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { stat } from 'node:fs/promises'
import type { Socket } from 'node:net'
import { resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { checkExecOptions, createOutputCapture, safeCallback } from '../output-capture.ts'
import { EXEC_MARKER, type ExecOptions, type ExecResult, KILL_GRACE_MS } from '../types.ts'
import { stopProcesses } from './process-group.ts'

/** Environment variable that tags every process a local sandbox starts (found at dispose). */
export const SANDBOX_MARKER = 'EVALBOX_SANDBOX_ID'

/**
 * How long to keep reading stdout/stderr after the command exited. A background process
 * that inherited the pipes keeps them open; past this moment exec returns without it.
 */
const PIPE_GRACE_MS = 100

/** What an exec needs from its sandbox; the sets are shared so dispose can clean up. */
export interface LocalExecContext {
  workdir: string
  env: Readonly<Record<string, string>>
  /** Every process group started by the sandbox, each killed at dispose. */
  groups: Set<number>
  /** The sandbox's id, carried by every process it starts as `EVALBOX_SANDBOX_ID`. */
  id: string
  /** Pipes still held open by background processes, destroyed at dispose. */
  lingering: Set<Socket>
  /** The agent step under way: its execs' groups and markers, stopped when it ends. */
  step?: { groups: Set<number>; markers: Set<string> }
}

/** Runs one command as the leader of a new process group (see `Sandbox.exec`). */
export async function runLocalExec(
  ctx: LocalExecContext,
  cmd: readonly string[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  const maxBytes = checkExecOptions(cmd, options)
  const started = performance.now()
  const stdout = createOutputCapture(maxBytes)
  const stderr = createOutputCapture(maxBytes)
  const result = (fields: Partial<ExecResult>): ExecResult => ({
    exitCode: null,
    signal: null,
    stdout: stdout.text(),
    stderr: stderr.text(),
    timedOut: false,
    canceled: false,
    truncated: stdout.truncated || stderr.truncated,
    oomKilled: false,
    durationMs: Math.round(performance.now() - started),
    ...fields,
  })
  if (options.signal?.aborted) return result({ canceled: true })

  const cwd = resolve(ctx.workdir, options.cwd ?? '.')
  const execId = randomUUID()
  const child = spawn(cmd[0]!, cmd.slice(1), {
    cwd,
    env: { ...ctx.env, ...options.env, [EXEC_MARKER]: execId, [SANDBOX_MARKER]: ctx.id },
    detached: true,
    stdio: 'pipe',
  })
  const spawnError = await new Promise<NodeJS.ErrnoException | undefined>((done) => {
    child.once('spawn', () => done(undefined))
    child.once('error', done)
  })
  if (spawnError) return result(await spawnFailure(spawnError, cmd[0]!, cwd))
  const pgid = child.pid!
  const marker = `${EXEC_MARKER}=${execId}`
  ctx.groups.add(pgid)
  ctx.step?.groups.add(pgid)
  ctx.step?.markers.add(marker)

  child.stdin!.on('error', () => {
    // The command may exit without reading its input (EPIPE); that is its business.
  })
  child.stdin!.end(options.stdin === undefined ? undefined : Buffer.from(options.stdin))
  let collecting = true
  const collect = (capture: typeof stdout, stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    if (!collecting) return
    capture.push(chunk)
    safeCallback(options.onOutput, chunk, stream)
  }
  child.stdout!.on('data', collect(stdout, 'stdout'))
  child.stderr!.on('data', collect(stderr, 'stderr'))

  let reason: 'timeout' | 'cancel' | undefined
  let stopping: Promise<void> | undefined
  const stop = (why: 'timeout' | 'cancel') => {
    if (stopping) return
    reason = why
    stopping = stopProcesses({ pgids: [pgid], markers: [marker] }, KILL_GRACE_MS)
  }
  const timer =
    options.timeoutMs === undefined ? undefined : setTimeout(() => stop('timeout'), options.timeoutMs)
  const onAbort = () => stop('cancel')
  options.signal?.addEventListener('abort', onAbort, { once: true })
  // The signal may have fired while the command was starting.
  if (options.signal?.aborted) onAbort()

  const [exitCode, signal] = await exited(child)
  clearTimeout(timer)
  options.signal?.removeEventListener('abort', onAbort)
  await Promise.race([closed(child), sleep(PIPE_GRACE_MS)])
  collecting = false
  for (const pipe of [child.stdout, child.stderr] as Socket[]) {
    if (pipe.closed) continue
    // Keep draining what background processes write (so they get no SIGPIPE), without
    // keeping the host process alive; dispose closes these.
    pipe.unref()
    ctx.lingering.add(pipe)
    pipe.once('close', () => ctx.lingering.delete(pipe))
  }
  await stopping
  return result({ exitCode, signal, timedOut: reason === 'timeout', canceled: reason === 'cancel' })
}

function exited(child: ChildProcess): Promise<[number | null, string | null]> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve([child.exitCode, child.signalCode])
  }
  return new Promise((done) => child.once('exit', (code, signal) => done([code, signal])))
}

function closed(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.stdout!.closed && child.stderr!.closed) done()
    else child.once('close', () => done())
  })
}

async function spawnFailure(error: NodeJS.ErrnoException, program: string, cwd: string) {
  const cwdMissing = await stat(cwd).then(
    (info) => !info.isDirectory(),
    () => true,
  )
  const why = cwdMissing
    ? `working directory ${cwd} does not exist`
    : error.code === 'ENOENT'
      ? 'command not found'
      : `${error.code ?? 'spawn failed'}: ${error.message}`
  return {
    exitCode: error.code === 'EACCES' && !cwdMissing ? 126 : 127,
    stderr: `evalbox: cannot run ${JSON.stringify(program)}: ${why}\n`,
  }
}
