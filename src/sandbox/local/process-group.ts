import { readdir, readFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'

/**
 * The processes of one exec (or of an agent step, or of a whole sandbox): its process groups,
 * plus every process that carries one of `markers` (`NAME=value`) in its environment. The
 * markers find what left the groups — a daemon that called `setsid` keeps its environment —
 * where `/proc` exists (Linux). A process that both left its group and cleared its
 * environment (`setsid env -i ...`) is found by neither: nothing on the host ties it to the
 * sandbox any more.
 */
export interface ProcessSet {
  pgids: Iterable<number>
  markers: Iterable<string>
}

/** Sends `signal` to every process of the group `pgid`; a group that is gone is fine. */
function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  signalPid(-pgid, signal)
}

function signalPid(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, signal)
    return true
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'ESRCH' && code !== 'EPERM') throw error
    return false
  }
}

/**
 * Live (not zombie) processes that are in one of the groups or carry the marker. Zombies
 * count as dead: their parent (often PID 1) may take a while to reap them, but they run
 * nothing. Without `/proc` (macOS) any process left in a group counts as alive, and marked
 * processes outside the groups cannot be found.
 */
async function liveMembers(set: ProcessSet): Promise<number[]> {
  const pgids = new Set(set.pgids)
  const markers = new Set(set.markers)
  let entries: string[]
  try {
    entries = (await readdir('/proc')).filter((name) => /^\d+$/.test(name))
  } catch {
    // No /proc: a group with any member left stands for its members (a negative pid
    // signals the whole group).
    return [...pgids].filter((pgid) => signalPid(-pgid, 0)).map((pgid) => -pgid)
  }
  const found: number[] = []
  await Promise.all(
    entries.map(async (entry) => {
      const pid = Number(entry)
      if (pid === process.pid) return
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '')
      // Fields after the parenthesised command name: state ppid pgrp ...
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (!stat || fields[0] === 'Z') return
      if (pgids.has(Number(fields[2]))) return found.push(pid)
      // Only our own processes' environments are readable; others cannot be ours.
      const environ = await readFile(`/proc/${entry}/environ`, 'latin1').catch(() => '')
      if (environ.split('\0').some((entry) => markers.has(entry))) found.push(pid)
    }),
  )
  return found
}

function signalAll(set: ProcessSet, pids: number[], signal: NodeJS.Signals): void {
  for (const pgid of set.pgids) signalGroup(pgid, signal)
  for (const pid of pids) signalPid(pid, signal)
}

/**
 * Stops a set of processes: SIGTERM, then SIGKILL once `graceMs` has passed with one still
 * alive. Resolves when none runs any more (or a second after the SIGKILL).
 */
export async function stopProcesses(set: ProcessSet, graceMs: number): Promise<void> {
  let live = await liveMembers(set)
  signalAll(set, live, 'SIGTERM')
  const deadline = Date.now() + graceMs
  while (Date.now() < deadline) {
    await sleep(25)
    live = await liveMembers(set)
    if (live.length === 0) return
  }
  // A killed process takes a moment to die: wait for it, so "stopped" means gone.
  await killProcesses(set)
}

/**
 * Kills a set of processes at once (SIGKILL), escapees of the groups included; resolves when
 * none runs any more (a killed process takes a moment to die), or after a second.
 */
export async function killProcesses(set: ProcessSet): Promise<void> {
  let live = await liveMembers(set)
  for (let waited = 0; live.length > 0 && waited < 1000; waited += 10) {
    signalAll(set, live, 'SIGKILL')
    await sleep(10)
    live = await liveMembers(set)
  }
}
