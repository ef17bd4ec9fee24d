import { createWriteStream } from 'node:fs'
import { cp, link, mkdir, mkdtemp, rename, rm, stat, symlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { describeValue, EvalboxError } from '../core/errors.ts'
import { linkTargetInTree, pathEscapeError, relativeLinkText } from './paths.ts'
import type { CopyOutOptions, CopyOutReport, Sandbox } from './types.ts'

/** One entry of a sandbox folder, as a provider reads it (never following links). */
export interface TreeEntry {
  /** Path relative to the folder read, `/`-separated; `''` is the folder (or file) itself. */
  readonly path: string
  readonly type: 'directory' | 'file' | 'symlink' | 'hardlink' | 'other'
  /** Permission bits. */
  readonly mode: number
  /** Apparent size in bytes (files; a sparse file counts in full). */
  readonly size: number
  /** Symlink: its text as stored. Hard link: the path (relative to the folder) it links to, or null outside. */
  readonly linkname?: string | null
  /** File: its bytes. Read it fully, or not at all, before the visit returns. */
  content?(): Readable
}

/** Called per entry, parents first; returning false leaves it out (a folder is not descended into). */
export type TreeVisitor = (entry: TreeEntry) => Promise<boolean | undefined> | boolean | undefined

/**
 * A provider hook, outside the `Sandbox` contract: reads a sandbox folder entry by entry on
 * the host side (Docker's archive API, or the local file system), running nothing inside the
 * sandbox. Throws a not-found error (`code: 'ENOENT'`) when the path does not exist.
 */
export const READ_TREE = Symbol.for('evalbox.sandbox.readTree')

export interface TreeReader {
  [READ_TREE]?: (sandboxPath: string, visit: TreeVisitor) => Promise<void>
}

/** Reads a sandbox folder on the host side (see {@link READ_TREE}). */
export async function readTree(sandbox: Sandbox, sandboxPath: string, visit: TreeVisitor): Promise<void> {
  const reader = (sandbox as Sandbox & TreeReader)[READ_TREE]
  if (!reader) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `Sandbox ${sandbox.id} (provider ${describeValue(sandbox.provider)}) cannot be read from the host: ` +
        'it has no tree reader. Use the docker or local provider.',
    )
  }
  await reader(sandboxPath, visit)
}

/** Reads an entry's content into memory. */
export async function readContent(entry: TreeEntry): Promise<Buffer> {
  const chunks: Buffer[] = []
  if (entry.content) for await (const chunk of entry.content()) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** Checks copy-out caps: non-negative integers or undefined (no cap). */
export function checkCopyOutOptions(options: CopyOutOptions): void {
  for (const key of ['maxBytes', 'maxFiles'] as const) {
    const value = options[key]
    if (value !== undefined && !(Number.isInteger(value) && value >= 0)) {
      throw new EvalboxError(
        'INVALID_OPTIONS',
        `Expected copyOut \`${key}\` to be a non-negative integer, got ${describeValue(value)}`,
      )
    }
  }
}

/** How many left-out entries a report names; the rest are only counted. */
const NAMED_SKIPS = 20

/**
 * Copies a sandbox folder (or file) to `hostPath` from a tree reader; folders merge. The copy
 * is made in a staging folder next to `hostPath` first, so a copy that fails leaves nothing
 * behind. Symbolic and hard links that point outside the copied folder are refused
 * (`onEscape: 'fail'`, `SANDBOX_PATH_ESCAPE`) or left out and reported (`'skip'`); accepted
 * links become relative links. Entries past `maxFiles`, and files that would take the copy
 * past `maxBytes` (apparent size), are left out and reported. Devices, FIFOs and sockets are
 * skipped.
 */
export async function copyTreeOut(
  read: (visit: TreeVisitor) => Promise<void>,
  sandboxPath: string,
  hostPath: string,
  options: CopyOutOptions = {},
): Promise<CopyOutReport> {
  checkCopyOutOptions(options)
  const { maxBytes = Number.POSITIVE_INFINITY, maxFiles = Number.POSITIVE_INFINITY } = options
  const report: CopyOutReport = { files: 0, bytes: 0, skipped: [], skippedCount: 0 }
  const skip = (path: string, reason: string): false => {
    report.skippedCount++
    if (report.skipped.length < NAMED_SKIPS) report.skipped.push({ path, reason })
    return false
  }
  const refuse = (path: string, detail: string): false => {
    if (options.onEscape !== 'skip') throw pathEscapeError(path, detail, hostPath)
    return skip(path, `${detail}, outside the copied folder`)
  }
  await mkdir(dirname(hostPath), { recursive: true })
  const staging = await mkdtemp(join(dirname(hostPath), `.${basename(hostPath)}.evalbox-`))
  const root = join(staging, 'root')
  const written = new Set<string>()
  let entries = 0
  try {
    await read(async (entry) => {
      const { path, type } = entry
      const to = path ? join(root, path) : root
      if (path !== '' && type !== 'other' && ++entries > maxFiles) {
        return skip(path, `over the cap of ${maxFiles} entries`)
      }
      if (type === 'directory') {
        await mkdir(to, { recursive: true, mode: entry.mode | 0o700 })
        return true
      }
      if (type === 'file') {
        if (report.bytes + entry.size > maxBytes) {
          return skip(path, `${entry.size} bytes, over the cap of ${maxBytes} bytes`)
        }
        await mkdir(dirname(to), { recursive: true })
        await pipeline(entry.content!(), createWriteStream(to, { mode: entry.mode | 0o600 }))
        report.files++
        report.bytes += entry.size
        written.add(path)
        return true
      }
      if (type === 'symlink') {
        const target = path === '' ? null : linkTargetInTree(sandboxPath, path, entry.linkname ?? '')
        if (target === null) {
          return refuse(
            path || basename(sandboxPath),
            `is a symbolic link to ${JSON.stringify(entry.linkname)}`,
          )
        }
        await mkdir(dirname(to), { recursive: true })
        await symlink(relativeLinkText(path, target), to)
        report.files++
        return true
      }
      if (type === 'hardlink') {
        const target = entry.linkname
        if (!target) return refuse(path, 'is a hard link to a file')
        if (!written.has(target)) return skip(path, `is a hard link to ${JSON.stringify(target)}, left out`)
        await mkdir(dirname(to), { recursive: true })
        await link(join(root, target), to)
        report.files++
        return true
      }
      return false
    })
    if (!(await exists(root))) {
      // Everything was left out (the folder itself was a refused link): nothing to write.
      if (report.skippedCount > 0) return report
      throw Object.assign(new Error(`ENOENT: nothing to copy at ${sandboxPath} in the sandbox`), {
        code: 'ENOENT',
      })
    }
    if (await exists(hostPath))
      await cp(root, hostPath, { recursive: true, force: true, verbatimSymlinks: true })
    else await rename(root, hostPath)
    return report
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  )
}
