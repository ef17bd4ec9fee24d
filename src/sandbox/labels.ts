import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { homedir, hostname } from 'node:os'
import { join } from 'node:path'

/** Labels put on every container evalbox makes, so leftovers can be found and removed. */
export const LABEL_RUN = 'evalbox.run'
/** Pid of the Vitest main process that owns the container. */
export const LABEL_PID = 'evalbox.pid'
/** Host name of that process: for people reading `docker ps`; ownership uses the machine id. */
export const LABEL_HOST = 'evalbox.host'
/** Machine of that process (`/etc/machine-id`, else an id kept in the user's cache dir). */
export const LABEL_MACHINE = 'evalbox.machine'
/** Boot of that machine (`/proc/sys/kernel/random/boot_id`; empty where there is none). */
export const LABEL_BOOT = 'evalbox.boot'
/** The case the container serves. */
export const LABEL_CASE = 'evalbox.case'

/** Who a container belongs to: a process of one boot of one machine, in one run. */
export interface ContainerOwner {
  machine: string
  boot: string
  pid: number
  run: string
}

let self: { machine: string; boot: string } | undefined

/**
 * This machine and boot. Host names repeat (CI runners, containers, laptops called `mac`);
 * machine ids do not, so two machines sharing one engine never take each other's pids.
 */
export function thisMachine(): { machine: string; boot: string } {
  self ??= { machine: machineId(), boot: readId('/proc/sys/kernel/random/boot_id') }
  return self
}

function readId(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim()
  } catch {
    return ''
  }
}

/**
 * `/etc/machine-id` (systemd and most Linux), `/var/lib/dbus/machine-id`, else a random id
 * made once and kept in `$XDG_CACHE_HOME/evalbox/machine-id` (`~/.cache/...`; macOS).
 */
function machineId(): string {
  const system = readId('/etc/machine-id') || readId('/var/lib/dbus/machine-id')
  if (system) return system
  const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'evalbox')
  const file = join(dir, 'machine-id')
  const kept = readId(file)
  if (kept) return kept
  try {
    mkdirSync(dir, { recursive: true })
    // 'wx': when two processes race, the first one's id is kept and both read it back.
    writeFileSync(file, `${randomBytes(16).toString('hex')}\n`, { flag: 'wx' })
  } catch {}
  // A cache dir that cannot be written gives an id of this process only: its containers are
  // then never judged orphans by another process, which is the safe side.
  return readId(file) || `unsaved-${randomBytes(16).toString('hex')}`
}

/** The labels every container of a run carries: its run and its owner. */
export function runLabels(settings: { runId: string; ownerPid: number }): Record<string, string> {
  const { machine, boot } = thisMachine()
  return {
    [LABEL_RUN]: settings.runId,
    [LABEL_PID]: String(settings.ownerPid),
    [LABEL_MACHINE]: machine,
    [LABEL_BOOT]: boot,
    [LABEL_HOST]: hostname(),
  }
}

/**
 * Whether a container's owner is gone for sure, judged on this machine: its owner ran on
 * this machine and either in an earlier boot (all its pids are dead) or in this boot with a
 * pid that no longer exists. A container of another machine — or without a machine label,
 * made before evalbox labelled machines — is never an orphan here: its pid means nothing on
 * this machine (remove those with `docker rm`, see docs/sandboxes.md).
 */
export function isOrphan(
  labels: Record<string, string>,
  here: { machine: string; boot: string },
  pidAlive: (pid: number) => boolean,
): boolean {
  const machine = labels[LABEL_MACHINE]
  if (!machine || machine !== here.machine) return false
  const boot = labels[LABEL_BOOT] ?? ''
  if (boot && here.boot && boot !== here.boot) return true
  const pid = Number(labels[LABEL_PID])
  if (!Number.isInteger(pid) || pid <= 0) return false
  return !pidAlive(pid)
}
