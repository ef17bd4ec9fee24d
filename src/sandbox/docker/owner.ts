import type { Container } from 'dockerode'
import { describeValue, EvalboxError } from '../../errors.ts'
import { runInternal } from './internal-exec.ts'
import type { Owner } from './tar-in.ts'

/** uid/gid that own copied files: numbers as given, names looked up in the container. */
export async function resolveOwner(container: Container, user: string): Promise<Owner> {
  const [name = '', group] = user.split(':')
  if (name === '' || name === 'root' || name === '0') {
    if (group === undefined || group === '' || group === '0' || group === 'root') return { uid: 0, gid: 0 }
  }
  if (/^\d+$/.test(name) && (group === undefined || /^\d+$/.test(group))) {
    // Docker runs a uid without a passwd entry with gid 0.
    return { uid: Number(name), gid: group === undefined ? 0 : Number(group) }
  }
  const script = 'id -u "$0" && if [ -n "$1" ]; then getent group "$1" | cut -d: -f3; else id -g "$0"; fi'
  const { exitCode, stdout } = await runInternal(container, ['sh', '-c', script, name, group ?? ''], '0')
  const [uid, gid] = stdout.trim().split('\n').map(Number)
  if (exitCode !== 0 || !Number.isInteger(uid) || !Number.isInteger(gid)) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `The sandbox user ${describeValue(user)} does not exist in the image. Use a numeric 'uid:gid' or a user the image defines.`,
    )
  }
  return { uid: uid!, gid: gid! }
}
