import { copyFile, lstat, mkdir, readdir, readlink, rm, symlink } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { EvalboxError } from '../../errors.ts'
import { linkTargetInTree, pathEscapeError, relativeLinkText } from '../paths.ts'

type Entry =
  | { rel: string; kind: 'dir' }
  | { rel: string; kind: 'file' }
  | { rel: string; kind: 'link'; to: string }

/**
 * Copies a file or folder of a local sandbox to `hostPath` (folders merge).
 *
 * Every entry is checked before anything is written: a symbolic link whose target lies
 * outside the copied folder fails the whole copy with `SANDBOX_PATH_ESCAPE`. Links that
 * stay inside are recreated as relative links to the same entry, so the copy never
 * points back into the sandbox. Sockets, FIFOs and devices are skipped.
 */
export async function copyOutLocal(source: string, hostPath: string): Promise<void> {
  const info = await lstat(source)
  if (info.isSymbolicLink()) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `copyOut source ${JSON.stringify(source)} is a symbolic link; copy the file or folder it points to`,
    )
  }
  if (info.isFile()) {
    await mkdir(dirname(hostPath), { recursive: true })
    await copyFile(source, hostPath)
    return
  }
  const entries: Entry[] = []
  await walk(source, '', entries)
  for (const entry of entries) {
    if (entry.kind === 'link' && linkTargetInTree(source, entry.rel, entry.to) === null) {
      throw pathEscapeError(entry.rel, `is a symbolic link to ${JSON.stringify(entry.to)}`, hostPath)
    }
  }
  await mkdir(hostPath, { recursive: true })
  for (const entry of entries) {
    const to = join(hostPath, entry.rel)
    if (entry.kind === 'dir') await mkdir(to, { recursive: true })
    else if (entry.kind === 'file') await copyFile(join(source, entry.rel), to)
    else {
      const inTree = linkTargetInTree(source, entry.rel, entry.to)!
      await rm(to, { force: true })
      await symlink(relativeLinkText(entry.rel, inTree), to)
    }
  }
}

async function walk(root: string, rel: string, out: Entry[]): Promise<void> {
  for (const item of await readdir(join(root, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${item.name}` : item.name
    if (item.isDirectory()) {
      out.push({ rel: child, kind: 'dir' })
      await walk(root, child, out)
    } else if (item.isFile()) out.push({ rel: child, kind: 'file' })
    else if (item.isSymbolicLink())
      out.push({ rel: child, kind: 'link', to: await readlink(join(root, child)) })
  }
}
