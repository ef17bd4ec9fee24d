import { randomUUID } from 'node:crypto'
import { constants } from 'node:os'
import { posix } from 'node:path'
import type { Duplex } from 'node:stream'
import type { Container, ExecInspectInfo } from 'dockerode'
import { checkExecOptions, createOutputCapture, safeCallback } from '../output-capture.ts'
import { EXEC_MARKER, type ExecOptions, type ExecResult } from '../types.ts'
import { createDemuxer } from './demux.ts'
import { finishedInspect, runInternal } from './internal-exec.ts'
import { killExecTree } from './kill-tree.ts'

/** Output still arriving this long after the process ended is left unread. */
const PIPE_GRACE_MS = 100

/** The container side of a docker sandbox, as exec needs it. */
export interface ExecTarget {
  container: Container
  workdir: string
  /** Rewrites the command before it runs (used once to create the sandbox folders). */
  prepare(cmd: readonly string[], cwd: string | undefined): Promise<readonly string[]>
  /** Turns an engine error into the error exec throws (`SandboxUnavailableError`). */
  unavailable(error: unknown): Error
  /** Memory limit set: non-zero exits check the cgroup's OOM kill counter. */
  memoryLimited: boolean
  /** Last seen value of that counter. */
  oomKills: number
}

/** Runs one command in the container (see `Sandbox.exec`). */
export async function runDockerExec(
  target: ExecTarget,
  cmd: readonly string[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  const maxBytes = checkExecOptions(cmd, options)
  const started = performance.now()
  const out = { stdout: createOutputCapture(maxBytes), stderr: createOutputCapture(maxBytes) }
  const result = (fields: Partial<ExecResult>): ExecResult => ({
    exitCode: null,
    signal: null,
    stdout: out.stdout.text(),
    stderr: out.stderr.text(),
    timedOut: false,
    canceled: false,
    truncated: out.stdout.truncated || out.stderr.truncated,
    oomKilled: false,
    durationMs: Math.round(performance.now() - started),
    ...fields,
  })
  if (options.signal?.aborted) return result({ canceled: true })

  const { container } = target
  const execId = randomUUID()
  const hasStdin = options.stdin !== undefined
  let stream: Duplex
  let exec: Awaited<ReturnType<Container['exec']>>
  try {
    exec = await container.exec({
      Cmd: [...(await target.prepare(cmd, options.cwd))],
      Env: [...Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`), `${EXEC_MARKER}=${execId}`],
      ...(options.cwd === undefined ? {} : { WorkingDir: posix.resolve(target.workdir, options.cwd) }),
      AttachStdin: hasStdin,
      AttachStdout: true,
      AttachStderr: true,
    })
    stream = (await exec.start(hasStdin ? { hijack: true, stdin: true } : {})) as Duplex
  } catch (error) {
    throw target.unavailable(error)
  }
  // Errors end the stream like 'end' does; the exit code still comes from exec inspect.
  stream.on('error', () => {})
  if (hasStdin) stream.end(Buffer.from(options.stdin!))
  let collecting = true
  stream.on(
    'data',
    createDemuxer((payload, name) => {
      if (!collecting) return
      out[name].push(payload)
      safeCallback(options.onOutput, payload, name)
    }),
  )
  const ended = new Promise<void>((done) => {
    stream.once('end', done)
    stream.once('close', done)
    stream.once('error', () => done())
  })

  let reason: 'timeout' | 'cancel' | undefined
  let killing: Promise<void> | undefined
  const stop = (why: 'timeout' | 'cancel') => {
    if (killing) return
    reason = why
    killing = killExecTree(container, execId)
  }
  const timer =
    options.timeoutMs === undefined ? undefined : setTimeout(() => stop('timeout'), options.timeoutMs)
  const onAbort = () => stop('cancel')
  options.signal?.addEventListener('abort', onAbort, { once: true })
  // The signal may have fired while the command was starting.
  if (options.signal?.aborted) onAbort()

  let info: ExecInspectInfo | undefined
  try {
    // Background processes may hold the output open after the command ended; poll
    // exec inspect (backing off) so exec returns without them.
    for (let delay = 100; !(await settlesWithin(ended, delay)); delay = Math.min(delay * 2, 1000)) {
      const polled = await exec.inspect()
      if (!polled.Running) {
        await settlesWithin(ended, PIPE_GRACE_MS)
        info = polled
        break
      }
    }
    clearTimeout(timer)
    options.signal?.removeEventListener('abort', onAbort)
    collecting = false
    stream.destroy()
    await killing
    info ??= await finishedInspect(exec)
  } catch (error) {
    clearTimeout(timer)
    options.signal?.removeEventListener('abort', onAbort)
    stream.destroy()
    throw target.unavailable(error)
  }
  return result(await classify(target, info, reason, out))
}

async function classify(
  target: ExecTarget,
  info: ExecInspectInfo,
  reason: 'timeout' | 'cancel' | undefined,
  out: { stdout: { text(): string } },
): Promise<Partial<ExecResult>> {
  const code = info.ExitCode
  // The runtime could not start the program: its message arrives on stdout.
  if (info.Pid === 0 && (code === 126 || code === 127)) {
    const message = out.stdout.text()
    const missing = /not found|no such file/i.test(message)
    return { exitCode: missing ? 127 : 126, stdout: '', stderr: message.replace(/\r\n/g, '\n') }
  }
  let oomKilled = false
  if (target.memoryLimited && code !== 0) {
    const counter = await oomKillCount(target)
    oomKilled = counter > target.oomKills
    target.oomKills = Math.max(counter, target.oomKills)
  }
  // Docker reports a signal death as 128 + signal; trust that reading only when evalbox
  // or the OOM killer sent the signal (a plain `exit 137` looks the same).
  if ((reason || oomKilled) && code !== null && code > 128) {
    const signal = Object.entries(constants.signals).find(([, number]) => number === code - 128)?.[0]
    if (signal)
      return {
        exitCode: null,
        signal,
        timedOut: reason === 'timeout',
        canceled: reason === 'cancel',
        oomKilled,
      }
  }
  return { exitCode: code, timedOut: reason === 'timeout', canceled: reason === 'cancel', oomKilled }
}

async function oomKillCount(target: ExecTarget): Promise<number> {
  const files = '/sys/fs/cgroup/memory/memory.oom_control /sys/fs/cgroup/memory.events'
  const { stdout } = await runInternal(target.container, ['sh', '-c', `cat ${files} 2>/dev/null`], '0').catch(
    () => ({ stdout: '' }),
  )
  return Number(/^oom_kill (\d+)/m.exec(stdout)?.[1] ?? 0)
}

function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), ms)
    promise.then(() => {
      clearTimeout(timer)
      done(true)
    })
  })
}
