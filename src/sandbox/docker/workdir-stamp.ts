import { randomInt } from 'node:crypto'
import type { Container } from 'dockerode'

/**
 * Proof that a container's workdir and output folder were never written, without an exec.
 *
 * The first command of a sandbox whose folders the engine made (root user, writable root,
 * no workspace) already runs under a small shell that makes the output folder. It also sets
 * both folders' modification time to a stamp: a second in the year 2000 drawn at random per
 * sandbox. It stamps first and looks second: if either folder holds anything, it touches
 * the workdir again, which spoils the stamp. Creating, removing or renaming an entry in a
 * folder sets its modification time to now, so a folder that still carries the stamp later
 * is as empty as it was (unless a command deliberately set the time back, which only hides
 * its own work from the harvest). Reading the times is one HEAD request per folder.
 */
export interface WorkdirStamp {
  /** The stamp in seconds since the epoch. */
  readonly seconds: number
  /** `touch -t` form of the stamp, in UTC (`TZ=UTC0`). */
  readonly touch: string
}

const YEAR_2000 = Date.UTC(2000, 0, 1) / 1000
const YEAR_2001 = Date.UTC(2001, 0, 1) / 1000

export function newStamp(): WorkdirStamp {
  const seconds = randomInt(YEAR_2000, YEAR_2001)
  const iso = new Date(seconds * 1000).toISOString()
  // YYYYMMDDhhmm.SS
  const touch = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}.${iso.slice(17, 19)}`
  return { seconds, touch }
}

// $0 = outputs, $1 = workdir, $2 = stamp; the rest is the command.
const SCRIPT = `mkdir -p "$0" 2>/dev/null
w=$1; t=$2; shift 2
if TZ=UTC0 touch -t "$t" "$w" "$0" 2>/dev/null; then
  for f in "$w"/* "$w"/.[!.]* "$w"/..?* "$0"/* "$0"/.[!.]* "$0"/..?*; do
    if [ -e "$f" ] || [ -L "$f" ]; then touch "$w" 2>/dev/null; break; fi
  done
fi
exec "$@"`

/** The first command, wrapped: makes the output folder and stamps both folders. */
export function stampedCommand(
  dirs: { workdir: string; outputs: string },
  stamp: WorkdirStamp,
  cmd: readonly string[],
): string[] {
  return ['sh', '-c', SCRIPT, dirs.outputs, dirs.workdir, stamp.touch, ...cmd]
}

/** Whether every folder still carries the stamp (one HEAD request each, in parallel). */
export async function stillStamped(
  container: Container,
  paths: readonly string[],
  stamp: WorkdirStamp,
): Promise<boolean> {
  const times = await Promise.all(paths.map((path) => modifiedMs(container, path)))
  return times.every((ms) => ms === stamp.seconds * 1000)
}

/** A container path's modification time, from the archive API's stat header (no exec). */
async function modifiedMs(container: Container, path: string): Promise<number | undefined> {
  const response = (await container.infoArchive({ path })) as { headers?: Record<string, string> }
  const header = response.headers?.['x-docker-container-path-stat']
  if (!header) return undefined
  const stat = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as { mtime?: string }
  return stat.mtime ? Date.parse(stat.mtime) : undefined
}
