import { readdir, readFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'

/** Sends `signal` to every process of the group `pgid`; a group that is gone is fine. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
  }
}

/**
 * Whether the group `pgid` still has a member that is not a zombie. Zombies count as
 * dead: their parent (often PID 1 after the shell exited) may take a while to reap them,
 * but they run nothing. Without `/proc` (macOS) any remaining member counts as alive.
 */
export async function groupHasLiveMembers(pgid: number): Promise<boolean> {
  try {
    process.kill(-pgid, 0)
  } catch {
    return false
  }
  let pids: string[]
  try {
    pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name))
  } catch {
    return true
  }
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
    // Fields after the parenthesised command name: state ppid pgrp ...
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true
  }
  return false
}

/**
 * Stops a process group: SIGTERM, then SIGKILL once `graceMs` has passed with a live
 * member left. Resolves when no member runs any more (or right after the SIGKILL).
 */
export async function stopGroup(pgid: number, graceMs: number): Promise<void> {
  signalGroup(pgid, 'SIGTERM')
  const deadline = Date.now() + graceMs
  while (Date.now() < deadline) {
    await sleep(25)
    if (!(await groupHasLiveMembers(pgid))) return
  }
  signalGroup(pgid, 'SIGKILL')
}
