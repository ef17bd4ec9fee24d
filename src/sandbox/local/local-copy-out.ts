import { createReadStream } from 'node:fs'
import { lstat, readdir, readlink } from 'node:fs/promises'
import { join } from 'node:path'
import { copyTreeOut, type TreeEntry, type TreeVisitor } from '../tree.ts'
import type { CopyOutOptions, CopyOutReport } from '../types.ts'

/**
 * Reads a local sandbox's file or folder entry by entry, parents first and names sorted,
 * without following any link (see `TreeVisitor`). A folder the visitor leaves out is not
 * read at all.
 */
export async function readLocalTree(source: string, visit: TreeVisitor): Promise<void> {
  await visitPath(source, '', visit)
}

async function visitPath(source: string, rel: string, visit: TreeVisitor): Promise<void> {
  const full = rel ? join(source, rel) : source
  const info = await lstat(full).catch((error: NodeJS.ErrnoException) => {
    // Removed while the folder was read: no entry. The folder itself missing is an error.
    if (rel && error.code === 'ENOENT') return undefined
    throw error
  })
  if (!info) return
  const mode = info.mode & 0o7777
  let entry: TreeEntry
  if (info.isDirectory()) entry = { path: rel, type: 'directory', mode, size: 0 }
  else if (info.isFile())
    entry = { path: rel, type: 'file', mode, size: info.size, content: () => createReadStream(full) }
  else if (info.isSymbolicLink())
    entry = { path: rel, type: 'symlink', mode, size: 0, linkname: await readlink(full) }
  else entry = { path: rel, type: 'other', mode, size: 0 }
  if ((await visit(entry)) === false || entry.type !== 'directory') return
  const names = (await readdir(full)).sort()
  for (const name of names) await visitPath(source, rel ? `${rel}/${name}` : name, visit)
}

/**
 * Copies a file or folder of a local sandbox to `hostPath` (see `copyTreeOut`: staged, links
 * checked, caps applied). Links that stay inside are recreated as relative links to the same
 * entry, so the copy never points back into the sandbox.
 */
export async function copyOutLocal(
  source: string,
  hostPath: string,
  options?: CopyOutOptions,
): Promise<CopyOutReport> {
  return copyTreeOut((visit) => readLocalTree(source, visit), source, hostPath, options)
}
