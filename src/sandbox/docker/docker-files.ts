import { posix } from 'node:path'
import type { Readable } from 'node:stream'
import type { Container } from 'dockerode'
import { EvalboxError } from '../../core/errors.ts'
import type { TreeVisitor } from '../tree.ts'
import type { CopyOutOptions, CopyOutReport } from '../types.ts'
import { type Owner, packDir, putTar } from './tar-in.ts'
import { extractCopyOut, readFirstEntry, readTarTree } from './tar-out.ts'

/** The container side of a docker sandbox, as file operations need it. */
export interface FileTarget {
  container: Container
  /** The writable folders (volumes): workdir, outputs, `$HOME`, `/tmp`. */
  writable: readonly string[]
  readOnlyRoot: boolean
  /** Owner of everything copied in (the sandbox user). */
  owner: Owner
  /** Maps an engine error of a file operation on `path` to the error to throw. */
  fileError(error: unknown, path: string): Error
}

/**
 * Uploads entries for the absolute container path `target`: `fill` adds them under the
 * name it is given. Folders between the writable folder and `target` are added with the
 * sandbox user as owner, so a non-root user can write where files were copied.
 */
export async function putAt(
  t: FileTarget,
  target: string,
  fill: (pack: Parameters<Parameters<typeof putTar>[2]>[0], name: string) => Promise<void>,
): Promise<void> {
  // The deepest writable folder holding the target (a workdir may lie inside $HOME).
  const owning = t.writable
    .filter((dir) => target === dir || target.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length)[0]
  if (t.readOnlyRoot && !owning) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `Cannot write ${JSON.stringify(target)}: the sandbox has a read-only root filesystem, and only its ` +
        `writable folders (${t.writable.join(', ')}) accept copies. Write there, or set readOnlyRoot: false.`,
    )
  }
  // Extract inside the volume itself: the archive API skips the entry of a volume's root.
  const base = owning ?? '/'
  try {
    await putTar(t.container, base, async (pack) => {
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
