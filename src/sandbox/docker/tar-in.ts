import { createReadStream } from 'node:fs'
import { lstat, readdir, readlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { Container } from 'dockerode'
import { pack as createPack, type Pack } from 'tar-stream'

/** Owner written into every tar header, so a non-root sandbox user owns what is copied in. */
export interface Owner {
  uid: number
  gid: number
}

/** Adds a folder entry (`name` without a leading slash). */
export function packDir(pack: Pack, name: string, owner: Owner, mode = 0o755): void {
  pack.entry({ name: `${name}/`, type: 'directory', mode, uid: owner.uid, gid: owner.gid })
}

/** Adds a file entry with the given contents. */
export function packBytes(pack: Pack, name: string, data: Uint8Array, owner: Owner, mode = 0o644): void {
  pack.entry({ name, type: 'file', mode, uid: owner.uid, gid: owner.gid }, Buffer.from(data))
}

/**
 * Adds a host file, link or folder (recursively) under `name`, keeping modes and mtimes.
 * Symbolic links are copied as links, with their target text unchanged.
 */
export async function packHostPath(pack: Pack, hostPath: string, name: string, owner: Owner): Promise<void> {
  const info = await lstat(hostPath)
  const header = { name, mode: info.mode & 0o7777, mtime: info.mtime, uid: owner.uid, gid: owner.gid }
  if (info.isSymbolicLink()) {
    pack.entry({ ...header, type: 'symlink', linkname: await readlink(hostPath) })
  } else if (info.isDirectory()) {
    pack.entry({ ...header, name: `${name}/`, type: 'directory' })
    for (const child of (await readdir(hostPath)).sort()) {
      await packHostPath(pack, join(hostPath, child), `${name}/${child}`, owner)
    }
  } else if (info.isFile()) {
    await new Promise<void>((resolve, reject) => {
      const sink = pack.entry({ ...header, type: 'file', size: info.size }, (error) =>
        error ? reject(error) : resolve(),
      )
      const source = createReadStream(hostPath)
      source.on('error', (error) => {
        sink.destroy(error)
        reject(error)
      })
      source.pipe(sink as unknown as NodeJS.WritableStream)
    })
  }
}

/**
 * Streams a tar archive into the container, extracted at the container folder `path`,
 * while `fill` adds entries. An upload that fails early (a missing folder, a read-only
 * filesystem) fails the call instead of stalling the packing.
 */
export async function putTar(
  container: Container,
  path: string,
  fill: (pack: Pack) => Promise<void>,
): Promise<void> {
  const pack = createPack()
  const upload = container.putArchive(pack as unknown as NodeJS.ReadableStream, { path })
  const uploadFailed = upload.then(
    () => new Promise<never>(() => {}),
    (error: unknown) => Promise.reject(error),
  )
  try {
    await Promise.race([fill(pack), uploadFailed])
    pack.finalize()
  } catch (error) {
    pack.destroy(error as Error)
    await upload.catch(() => {})
    throw error
  }
  await upload
}
