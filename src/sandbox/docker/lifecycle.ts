import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { isOrphan, LABEL_MACHINE, LABEL_RUN, thisMachine } from '../labels.ts'
import { getEngine } from './engine.ts'

/**
 * Removes every container of a run. Called at the end of the run (teardown). Workers may
 * still be finishing a container they started making, so it looks again until a listing
 * comes back empty (a few rounds at most).
 */
export async function removeRunContainers(runId: string, rounds = 4): Promise<number> {
  const { docker } = await getEngine()
  let removed = 0
  for (let round = 0; round < rounds; round++) {
    const containers = await docker.listContainers({
      all: true,
      filters: { label: [`${LABEL_RUN}=${runId}`] },
    })
    if (containers.length === 0 && round > 0) break
    await Promise.allSettled(
      containers.map((info) => docker.getContainer(info.Id).remove({ force: true, v: true })),
    )
    removed += containers.length
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  return removed
}

/**
 * Removes containers left by runs whose Vitest process is gone (killed with -9, crashed,
 * machine slept through a CI cancel). Only containers made on this machine are judged (by
 * machine id, not host name): a pid means nothing on another machine sharing the engine,
 * so another machine's containers are never removed here, live or not (see `isOrphan`).
 */
export async function sweepOrphans(currentRunId: string): Promise<number> {
  const { docker } = await getEngine()
  const here = thisMachine()
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`${LABEL_MACHINE}=${here.machine}`] },
  })
  const orphans = containers.filter((info) => {
    const labels = info.Labels ?? {}
    return labels[LABEL_RUN] !== currentRunId && isOrphan(labels, here, pidAlive)
  })
  await Promise.allSettled(
    orphans.map((info) => docker.getContainer(info.Id).remove({ force: true, v: true })),
  )
  return orphans.length
}

/**
 * Hands the removal of a run's containers to a detached process. Used on SIGINT/SIGTERM,
 * when this process has a millisecond left: the reaper outlives it and removes the
 * containers, including ones workers are still creating.
 */
export function spawnReaper(runId: string): void {
  const script = reaperScript()
  if (!script) return
  const child = spawn(process.execPath, [script, runId], {
    detached: true,
    stdio: 'ignore',
    env: process.env,
  })
  child.unref()
}

/** The reaper beside this module: `.mjs` in the source tree, `reaper.js` when built. */
function reaperScript(): string | undefined {
  for (const candidate of ['./reaper.js', './reaper.mjs', './docker/reaper.mjs']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url))
    if (existsSync(path)) return path
  }
  return undefined
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
