import type { Readable } from 'node:stream'
import { describeValue, EvalboxError } from '../../core/errors.ts'
import type { Engine } from './engine.ts'
import type { Owner } from './tar-in.ts'
import { readFirstEntry } from './tar-out.ts'

const looked = new Map<string, Promise<Owner>>()

/**
 * uid/gid of the sandbox user, known before the container is made (its writable folders
 * are mounted owned by them): numbers as given, names looked up in the image's
 * `/etc/passwd` and `/etc/group` (read from a container that is created, never started,
 * and removed; once per process, image and user).
 */
export function resolveOwner(engine: Engine, image: string, user: string): Promise<Owner> {
  const [name = '', group] = user.split(':')
  const number = (text: string | undefined) => (text === undefined || text === '' ? undefined : Number(text))
  const numeric = (text: string | undefined) => text === undefined || text === '' || /^\d+$/.test(text)
  const rootName = (text: string | undefined) => text === undefined || text === '' || text === 'root'
  if ((numeric(name) || rootName(name)) && (numeric(group) || rootName(group))) {
    // Docker runs a uid without a group with the user's passwd group, or 0 without an entry.
    return Promise.resolve({
      uid: number(name === 'root' ? '0' : name) ?? 0,
      gid: number(group === 'root' ? '0' : group) ?? 0,
    })
  }
  const key = `${image}\0${user}`
  let owner = looked.get(key)
  if (!owner) {
    owner = lookUp(engine, image, user, name, group)
    looked.set(key, owner)
    owner.catch(() => looked.delete(key))
  }
  return owner
}

async function lookUp(
  engine: Engine,
  image: string,
  user: string,
  name: string,
  group: string | undefined,
): Promise<Owner> {
  const container = await engine.docker.createContainer({
    Image: image,
    Cmd: ['true'],
    Labels: { 'evalbox.lookup': '1' },
  })
  try {
    const read = async (path: string) => {
      const tar = (await container.getArchive({ path }).catch(() => undefined)) as Readable | undefined
      const entry = tar && (await readFirstEntry(tar))
      return (entry?.data.toString('utf8') ?? '').split('\n').map((line) => line.split(':'))
    }
    const [passwd, groups] = await Promise.all([read('/etc/passwd'), read('/etc/group')])
    const byName = (rows: string[][], text: string) =>
      rows.find((row) => row[0] === text || row[2] === text)?.[2]
    const uid = /^\d+$/.test(name) ? name : byName(passwd, name)
    const gid =
      group === undefined || group === ''
        ? (passwd.find((row) => row[2] === uid)?.[3] ?? '0')
        : /^\d+$/.test(group)
          ? group
          : byName(groups, group)
    if (uid === undefined || gid === undefined) {
      throw new EvalboxError(
        'INVALID_OPTIONS',
        `The sandbox user ${describeValue(user)} does not exist in the image ${describeValue(image)}. ` +
          "Use a numeric 'uid:gid' or a user the image defines.",
      )
    }
    return { uid: Number(uid), gid: Number(gid) }
  } finally {
    await container.remove({ force: true }).catch(() => {})
  }
}
