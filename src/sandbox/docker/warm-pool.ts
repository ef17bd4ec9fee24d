import { availableParallelism } from 'node:os'
import { LABEL_CASE } from '../labels.ts'
import type { Sandbox } from '../types.ts'
import type { DockerSandboxOptions } from './container-config.ts'
import { attachDockerSandbox, createDockerSandbox } from './docker-sandbox.ts'

/**
 * Fresh containers made ahead of time, per container spec, so a case's sandbox is ready when
 * the case starts. In an evals run the pool lives in the Vitest main process (workers take
 * containers through the run's sandbox service, and the project's default spec is filled
 * before the first case starts); outside one, in the process that asks. Each container serves
 * exactly one case: isolation is never traded for speed. Removal of a used container happens
 * off the case's path. Containers left in a pool at the end are removed with the run.
 */
interface Pool {
  ready: Promise<Sandbox>[]
  size: number
  /** Refills waiting for their moment (see `refillSoon`); cleared by `drainPools`. */
  timers: Set<NodeJS.Timeout>
}

const pools = new Map<string, Pool>()
/** Removals still under way; awaited by `drainPools()`. */
const removals = new Set<Promise<void>>()

/** Where a worker takes warm containers from: the run's sandbox service, by its URL. */
export type TakeRemote = (spec: DockerSandboxOptions, warm: number) => Promise<string>

/**
 * A sandbox for one case. With `warm > 0` it comes from the pool of its spec — the main
 * process's when `remote` is given, else this process's — and the workspace is copied in
 * after the container is taken.
 */
export async function acquireDockerSandbox(
  options: DockerSandboxOptions,
  warm: number,
  remote?: TakeRemote,
): Promise<Sandbox> {
  if (warm <= 0) return createDockerSandbox(options)
  const { workspace, ...rest } = options
  const spec = poolSpec(rest)
  const sandbox = remote
    ? await attachDockerSandbox(await remote(spec, warm), spec)
    : await takeFromPool(spec, warm)
  if (workspace !== undefined) {
    try {
      await sandbox.copyIn(workspace, sandbox.workdir)
    } catch (error) {
      await sandbox.dispose().catch(() => {})
      throw error
    }
  }
  return withBackgroundRemoval(sandbox)
}

/** The spec a pool is kept for: without the workspace and the per-case label. */
export function poolSpec(options: DockerSandboxOptions): DockerSandboxOptions {
  const { workspace: _workspace, labels = {}, ...base } = options
  const { [LABEL_CASE]: _case, ...runLabels } = labels
  return { ...base, labels: runLabels }
}

/**
 * Takes a fresh container of `spec` from this process's pool (made now if the pool is empty)
 * and tops the pool up in the background.
 */
export async function takeFromPool(spec: DockerSandboxOptions, warm: number): Promise<Sandbox> {
  const pool = poolOf(spec, warm)
  const taken = pool.ready.shift() ?? throttled(spec)
  refillSoon(pool, spec)
  try {
    return await taken
  } catch {
    // A pre-made container that failed to start is not the case's problem: make one now.
    return createDockerSandbox(spec)
  }
}

/** Fills the pool of `spec` before any case asks (at the start of a run); resolves when full. */
export async function prewarmPool(spec: DockerSandboxOptions, warm: number): Promise<void> {
  if (warm <= 0) return
  const pool = poolOf(spec, warm)
  refill(pool, spec)
  await Promise.allSettled(pool.ready)
}

function poolOf(spec: DockerSandboxOptions, warm: number): Pool {
  const key = JSON.stringify(spec)
  let pool = pools.get(key)
  if (!pool) {
    pool = { ready: [], size: warm, timers: new Set() }
    pools.set(key, pool)
  }
  pool.size = Math.max(pool.size, warm)
  return pool
}

// A refill waits a moment after the take that asked for it: the case that took the container
// is starting its first command then, and making a container (about 0.13 s of CPU for the
// engine) at that same moment slows the command down. Measured on 2 cores, 64 × `sleep 1` at
// concurrency 8, runs interleaved: 1.135× the ideal refilling at once, 1.094× after 300 ms
// (150 ms: 1.124×, 500 ms: 1.122×). An empty pool still makes a container on the spot.
const REFILL_DELAY_MS = 300

function refillSoon(pool: Pool, spec: DockerSandboxOptions): void {
  const timer = setTimeout(() => {
    pool.timers.delete(timer)
    refill(pool, spec)
  }, REFILL_DELAY_MS)
  timer.unref()
  pool.timers.add(timer)
}

function refill(pool: Pool, spec: DockerSandboxOptions): void {
  while (pool.ready.length < pool.size) {
    const making = throttled(spec)
    making.catch(() => {})
    pool.ready.push(making)
  }
}

// Containers made at once compete for the same cores as the cases running; made a few at a
// time, each is ready sooner (on 2 cores, 64 × `sleep 1` at concurrency 8 went from 11.2 s
// unthrottled to 10.0 s with 2 at a time, 11.8 s with 1).
const MAX_MAKING = Math.max(2, availableParallelism())
let making = 0
const waiting: (() => void)[] = []
async function throttled(spec: DockerSandboxOptions): Promise<Sandbox> {
  if (making >= MAX_MAKING) await new Promise<void>((resolve) => waiting.push(resolve))
  making++
  try {
    return await createDockerSandbox(spec)
  } finally {
    making--
    waiting.shift()?.()
  }
}

/** Dispose returns at once; the container is removed in the background (tracked). */
function withBackgroundRemoval(sandbox: Sandbox): Sandbox {
  let disposed: Promise<void> | undefined
  const dispose = () => {
    if (!disposed) {
      const removal = sandbox.dispose().catch(() => {})
      removals.add(removal)
      void removal.finally(() => removals.delete(removal))
      disposed = Promise.resolve()
    }
    return disposed
  }
  // Calls after dispose must fail like the contract says: the inner sandbox is disposing.
  return { ...sandbox, dispose, [Symbol.asyncDispose]: dispose }
}

/** Waits for background removals and removes the containers still waiting in pools. */
export async function drainPools(): Promise<void> {
  for (const pool of pools.values()) for (const timer of pool.timers) clearTimeout(timer)
  const waiting = [...pools.values()].flatMap((pool) => pool.ready.splice(0))
  pools.clear()
  await Promise.allSettled([...waiting.map(async (made) => (await made).dispose()), ...removals])
}
