import { posix } from 'node:path'
import type { Readable } from 'node:stream'
import type { Container } from 'dockerode'
import { EvalboxError } from '../../errors.ts'
import type { TreeVisitor } from '../tree.ts'
import type { CopyOutOptions, CopyOutReport } from '../types.ts'
import { type Owner, packDir, putTar } from './tar-in.ts'
import { extractCopyOut, readFirstEntry, readTarTree } from './tar-out.ts'

/** The container side of a docker sandbox, as file operations need it. */
export interface FileTarget {
  container: Container
  workdir: string
  outputs: string
  readOnlyRoot: boolean
  /** Owner of everything copied in (the sandbox user). */
  owner: Owner
  /** The sandbox folders are not made yet; the next archive upload adds them. */
  layoutPending: boolean
  /** Maps an engine error of a file operation on `path` to the error to throw. */
  fileError(error: unknown, path: string): Error
}

/**
 * Uploads entries for the absolute container path `target`: `fill` adds them under the
 * name it is given. Folders between workdir/outputs and `target` are added with the
 * sandbox user as owner, so a non-root user can write where files were copied.
 */
export async function putAt(
  t: FileTarget,
  target: string,
  fill: (pack: Parameters<Parameters<typeof putTar>[2]>[0], name: string) => Promise<void>,
): Promise<void> {
  const owning = [t.workdir, t.outputs].find((dir) => target === dir || target.startsWith(`${dir}/`))
  if (t.readOnlyRoot && !owning) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `Cannot write ${JSON.stringify(target)}: the sandbox has a read-only root filesystem, and only the ` +
        `workdir (${t.workdir}) and outputs (${t.outputs}) accept copies. Write there, or drop readOnlyRoot.`,
    )
  }
  // A read-only root only lets the archive API write into volumes, so extract there.
  const base = t.readOnlyRoot ? owning! : '/'
  const layout = t.layoutPending && base === '/'
  try {
    await putTar(t.container, base, async (pack) => {
      if (layout) for (const dir of [t.workdir, t.outputs]) packDir(pack, dir.slice(1), t.owner)
      if (owning && t.owner.uid !== 0) {
        let parent = posix.dirname(target)
        const parents: string[] = []
        for (; parent.startsWith(`${owning}/`); parent = posix.dirname(parent)) parents.unshift(parent)
        for (const dir of parents) packDir(pack, posix.relative(base, dir), t.owner)
      }
      await fill(pack, posix.relative(base, target) || '.')
    })
  } catch (error) {
    throw t.fileError(error, target)
  }
  if (layout) t.layoutPending = false
}

/** Reads a file from the container, following symbolic links (at most 8). */
export async function readContainerFile(t: FileTarget, path: string): Promise<Buffer> {
  let current = path
  for (let hops = 0; hops <= 8; hops++) {
    const entry = await readFirstEntry(await getArchive(t, current))
    if (!entry) throw nodeError('ENOENT', `no such file in the sandbox: ${current}`)
    if (entry.type === 'directory') throw nodeError('EISDIR', `${current} is a folder, not a file`)
    if (entry.type !== 'symlink') return entry.data
    current = posix.resolve(posix.dirname(current), entry.linkname ?? '')
  }
  throw nodeError('ELOOP', `too many symbolic links while reading ${path}`)
}

/** Copies a container file or folder to the host (see `extractCopyOut`). */
export async function copyOutOfContainer(
  t: FileTarget,
  path: string,
  hostPath: string,
  options?: CopyOutOptions,
): Promise<CopyOutReport> {
  return extractCopyOut(await getArchive(t, path), path, hostPath, options)
}

/** Reads a container file or folder entry by entry, through the engine (see `readTarTree`). */
export async function readContainerTree(t: FileTarget, path: string, visit: TreeVisitor): Promise<void> {
  await readTarTree(await getArchive(t, path), path, visit)
}

async function getArchive(t: FileTarget, path: string): Promise<Readable> {
  try {
    return (await t.container.getArchive({ path })) as unknown as Readable
  } catch (error) {
    throw t.fileError(error, path)
  }
}

/** An error shaped like Node's own file errors, so callers can branch on `code`. */
export function nodeError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}`), { code })
}
