import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { isAbsolute, relative, resolve } from 'node:path'
import { errorMessage } from '../../core/errors.ts'
import type { TextBlock } from './types.ts'

/** Cuts `text` to at most `maxBytes` UTF-8 bytes, never inside a character. */
export function capText(text: string, maxBytes: number): TextBlock {
  const bytes = Buffer.byteLength(text)
  if (bytes <= maxBytes) return { text, truncated: false, bytes }
  return { text: decodePrefix(Buffer.from(text).subarray(0, maxBytes)), truncated: true, bytes }
}

// A cut can split a multi-byte character; drop the partial one rather than show U+FFFD.
function decodePrefix(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes).replace(/\uFFFD+$/, '')
}

/** A file the results directory kept for a case: its text, or why it could not be read. */
export type KeptFile = { ok: true; block: TextBlock } | { ok: false; note: string }

/**
 * Reads the first `maxBytes` of a file kept in the results directory. `path` is relative to
 * `dir`, as run files record it; a path that leads outside `dir` is refused, so a run file
 * copied from elsewhere cannot pull unrelated files into a report. Never throws.
 */
export function readKeptFile(dir: string, path: string, maxBytes: number, role: string): KeptFile {
  const root = resolve(dir)
  const full = resolve(root, path)
  const rel = relative(root, full)
  if (isAbsolute(path) || rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    return { ok: false, note: `The ${role} path "${path}" is outside the results directory; not read.` }
  }
  let fd: number | undefined
  try {
    fd = openSync(full, 'r')
    const size = fstatSync(fd).size
    const buffer = Buffer.alloc(Math.min(size, maxBytes))
    let read = 0
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, read)
      if (n === 0) break
      read += n
    }
    const truncated = size > read
    const bytes = buffer.subarray(0, read)
    const text = truncated ? decodePrefix(bytes) : new TextDecoder().decode(bytes)
    return { ok: true, block: { text, truncated, bytes: size } }
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return { ok: false, note: `The ${role} file ${path} is missing.` }
    return { ok: false, note: `The ${role} file ${path} could not be read: ${errorMessage(cause)}.` }
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}
