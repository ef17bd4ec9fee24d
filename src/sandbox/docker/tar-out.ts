import { posix } from 'node:path'
import type { Readable } from 'node:stream'
import { extract as createExtract } from 'tar-stream'
import { EvalboxError } from '../../core/errors.ts'
import { entryNameInTree } from '../paths.ts'
import { copyTreeOut, type TreeEntry, type TreeVisitor } from '../tree.ts'
import type { CopyOutOptions, CopyOutReport } from '../types.ts'

/** The first entry of a tar stream: its kind, link target and (for files) contents. */
export async function readFirstEntry(
  tar: Readable,
): Promise<{ type: string; linkname: string | undefined; data: Buffer } | undefined> {
  const extract = createExtract()
  tar.pipe(extract as unknown as NodeJS.WritableStream)
  for await (const entry of extract) {
    const chunks: Buffer[] = []
    for await (const chunk of entry) chunks.push(chunk as Buffer)
    extract.destroy()
    tar.destroy()
    return {
      type: entry.header.type ?? 'file',
      linkname: entry.header.linkname ?? undefined,
      data: Buffer.concat(chunks),
    }
  }
  return undefined
}

const TYPES: Record<string, TreeEntry['type']> = {
  directory: 'directory',
  file: 'file',
  'contiguous-file': 'file',
  symlink: 'symlink',
  link: 'hardlink',
}

/**
 * Reads a tar stream made by Docker's archive endpoint for `sandboxPath` entry by entry
 * (see `TreeVisitor`). A name with `..` or a leading `/` (never made by Docker) fails with
 * `SANDBOX_PATH_ESCAPE`; entries under a folder the visitor left out are drained unseen.
 */
export async function readTarTree(tar: Readable, sandboxPath: string, visit: TreeVisitor): Promise<void> {
  const top = posix.basename(sandboxPath) || '.'
  const extract = createExtract()
  tar.pipe(extract as unknown as NodeJS.WritableStream)
  const leftOut: string[] = []
  try {
    for await (const entry of extract) {
      const { header } = entry
      const path = relativeToTop(entryNameInTree(header.name), top)
      if (path === null) {
        throw new EvalboxError(
          'SANDBOX_PATH_ESCAPE',
          `Refusing to read ${sandboxPath} from the sandbox: its archive has entry ${JSON.stringify(header.name)}, ` +
            'whose name climbs out or is absolute.',
        )
      }
      if (!leftOut.some((dir) => path === dir || path.startsWith(`${dir}/`))) {
        const type = TYPES[header.type ?? 'file'] ?? 'other'
        const kept = await visit({
          path,
          type,
          mode: (header.mode ?? 0o644) & 0o7777,
          size: type === 'file' ? (header.size ?? 0) : 0,
          ...(type === 'symlink' && { linkname: header.linkname ?? '' }),
          ...(type === 'hardlink' && {
            linkname: relativeToTop(entryNameInTree(header.linkname ?? ''), top) || null,
          }),
          ...(type === 'file' && { content: () => entry as unknown as Readable }),
        })
        if (kept === false && type === 'directory') leftOut.push(path)
      }
      entry.resume()
    }
  } finally {
    extract.destroy()
    tar.destroy()
  }
}

/**
 * Copies what Docker's archive endpoint sent for `sandboxPath` to `hostPath` (see
 * `copyTreeOut`: staged, links checked, caps applied).
 */
export async function extractCopyOut(
  tar: Readable,
  sandboxPath: string,
  hostPath: string,
  options?: CopyOutOptions,
): Promise<CopyOutReport> {
  return copyTreeOut((visit) => readTarTree(tar, sandboxPath, visit), sandboxPath, hostPath, options)
}

/** `name` (already normalised) relative to the archive's top entry, or null outside it. */
function relativeToTop(name: string | null, top: string): string | null {
  if (name === null) return null
  if (top === '.') return name
  if (name === top) return ''
  return name.startsWith(`${top}/`) ? name.slice(top.length + 1) : null
}
