import { createWriteStream } from 'node:fs'
import { cp, link, mkdir, mkdtemp, rename, rm, stat, symlink } from 'node:fs/promises'
import { basename, dirname, join, posix } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { extract as createExtract } from 'tar-stream'
import { entryNameInTree, linkTargetInTree, pathEscapeError, relativeLinkText } from '../paths.ts'

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

/**
 * Extracts a tar stream made by Docker's archive endpoint for `sandboxPath` into
 * `hostPath` (folders merge). The archive is unpacked into a staging folder next to
 * `hostPath` first, so a rejected entry leaves nothing behind: names with `..` or a
 * leading `/`, and symbolic or hard links that point outside the copied folder fail
 * the copy with `SANDBOX_PATH_ESCAPE`. Accepted links become relative links; devices,
 * FIFOs and sockets are skipped.
 */
export async function extractCopyOut(tar: Readable, sandboxPath: string, hostPath: string): Promise<void> {
  await mkdir(dirname(hostPath), { recursive: true })
  const staging = await mkdtemp(join(dirname(hostPath), `.${basename(hostPath)}.evalbox-`))
  const root = join(staging, 'root')
  const top = posix.basename(sandboxPath) || '.'
  const extract = createExtract()
  tar.pipe(extract as unknown as NodeJS.WritableStream)
  try {
    for await (const entry of extract) {
      const { header } = entry
      const rel = relativeToTop(entryNameInTree(header.name), top)
      if (rel === null)
        throw pathEscapeError(header.name, 'has a name that climbs out or is absolute', hostPath)
      const to = rel ? join(root, rel) : root
      if (header.type === 'directory')
        await mkdir(to, { recursive: true, mode: (header.mode ?? 0o755) | 0o700 })
      else if (header.type === 'file' || header.type === 'contiguous-file') {
        await mkdir(dirname(to), { recursive: true })
        await pipeline(entry, createWriteStream(to, { mode: (header.mode ?? 0o644) | 0o600 }))
        continue
      } else if (header.type === 'symlink') {
        const target = linkTargetInTree(sandboxPath, rel, header.linkname ?? '')
        if (rel === '' || target === null) {
          throw pathEscapeError(
            rel || top,
            `is a symbolic link to ${JSON.stringify(header.linkname)}`,
            hostPath,
          )
        }
        await mkdir(dirname(to), { recursive: true })
        await symlink(relativeLinkText(rel, target), to)
      } else if (header.type === 'link') {
        const target = relativeToTop(entryNameInTree(header.linkname ?? ''), top)
        if (!target)
          throw pathEscapeError(rel, `is a hard link to ${JSON.stringify(header.linkname)}`, hostPath)
        await mkdir(dirname(to), { recursive: true })
        await link(join(root, target), to)
      }
      entry.resume()
    }
    if (!(await exists(root))) {
      throw Object.assign(new Error(`ENOENT: nothing to copy at ${sandboxPath} in the sandbox`), {
        code: 'ENOENT',
      })
    }
    if (await exists(hostPath))
      await cp(root, hostPath, { recursive: true, force: true, verbatimSymlinks: true })
    else await rename(root, hostPath)
  } finally {
    extract.destroy()
    tar.destroy()
    await rm(staging, { recursive: true, force: true })
  }
}

/** `name` (already normalised) relative to the archive's top entry, or null outside it. */
function relativeToTop(name: string | null, top: string): string | null {
  if (name === null) return null
  if (name === top) return ''
  return name.startsWith(`${top}/`) ? name.slice(top.length + 1) : null
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  )
}
