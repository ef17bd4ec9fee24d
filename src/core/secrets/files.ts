import { lstat, readdir, readFile, readlink, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { inflateSync } from 'node:zlib'
import { decodeBase85Lines, walkDelta } from '../git-binary.ts'
import type { Redactor } from './redact.ts'

/** Files larger than this are not scanned: they are withheld. */
export const MAX_SCAN_BYTES = 64 * 1024 * 1024

/** A file evalbox did not keep because it may hold a secret it cannot redact. */
export interface WithheldFile {
  /** Where the file would have been. */
  readonly path: string
  readonly reason: string
}

/** What to write for some data: the (redacted) data, or why it is withheld. */
export type RedactedData =
  | { readonly data: string | Uint8Array; readonly withheld?: undefined }
  | { readonly data?: undefined; readonly withheld: string }

// gzip, zip (also jar, docx…), bzip2, xz, zstd, 7z, rar: their content cannot be scanned.
const COMPRESSED = [
  [0x1f, 0x8b],
  [0x50, 0x4b, 0x03, 0x04],
  [0x42, 0x5a, 0x68],
  [0xfd, 0x37, 0x7a, 0x58, 0x5a],
  [0x28, 0xb5, 0x2f, 0xfd],
  [0x37, 0x7a, 0xbc, 0xaf],
  [0x52, 0x61, 0x72, 0x21],
]

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** The text of `bytes` when it is text (UTF-8 without NUL bytes), else undefined. */
function asText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined
  try {
    return utf8.decode(bytes)
  } catch {
    return undefined
  }
}

/**
 * Why binary data must be withheld: it holds a secret (in UTF-8 or UTF-16), or it cannot be
 * scanned (compressed, or too large). Undefined when it is clean.
 */
export function binaryVerdict(bytes: Uint8Array, redactor: Redactor): string | undefined {
  if (bytes.length > MAX_SCAN_BYTES)
    return `it is larger than ${MAX_SCAN_BYTES} bytes, too large to scan for secrets`
  if (COMPRESSED.some((magic) => magic.every((byte, i) => bytes[i] === byte)))
    return 'it is compressed, so it cannot be scanned for secrets'
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const found =
    redactor.find(buffer.toString('utf8')) ??
    redactor.find(buffer.toString('utf16le')) ??
    redactor.find(buffer.subarray(1).toString('utf16le'))
  return found === undefined ? undefined : `it is binary and contains ${describe(found)}`
}

function describe(name: string): string {
  return /^[A-Z0-9_]+$/i.test(name) && name === name.toUpperCase()
    ? `the value of ${name}`
    : `a secret (${name})`
}

/**
 * Data about to be written to disk, made safe: text is redacted (binary changes in a git patch
 * are checked too), binary data is kept only when it holds no secret and can be scanned.
 */
export function redactData(data: string | Uint8Array, redactor: Redactor): RedactedData {
  const text = typeof data === 'string' ? data : asText(data)
  if (text === undefined) {
    const withheld = binaryVerdict(data as Uint8Array, redactor)
    return withheld ? { withheld } : { data }
  }
  let redacted = redactor.redact(text)
  if (redacted.includes('GIT binary patch\n')) redacted = redactBinaryHunks(redacted, redactor)
  if (redacted === text) return { data }
  return { data: redacted }
}

/** The data a git delta inserts (copies from the old file hold nothing new), in runs. */
function deltaInserts(delta: Buffer): Buffer[] {
  const runs: Buffer[][] = [[]]
  walkDelta(delta, {
    copy: () => runs.push([]),
    insert: (data) => runs.at(-1)!.push(data),
  })
  return runs.filter((run) => run.length > 0).map((run) => Buffer.concat(run))
}

/**
 * `git diff --binary` encodes binary files (deflated, base85), where no text search finds a
 * secret. Each binary change is decoded and scanned; one that holds a secret, or cannot be
 * decoded, is replaced by a note.
 */
function redactBinaryHunks(patch: string, redactor: Redactor): string {
  const lines = patch.split('\n')
  const out: string[] = []
  for (let i = 0; i < lines.length; i++) {
    out.push(lines[i]!)
    if (lines[i] !== 'GIT binary patch') continue
    const start = i + 1
    let reason: string | undefined
    // A forward hunk and a reverse one, each `literal|delta <size>`, base85 lines, a blank line.
    while (/^(literal|delta) \d+$/.test(lines[i + 1] ?? '')) {
      const kind = lines[++i]!.split(' ')[0]
      const data: string[] = []
      while (i + 1 < lines.length && lines[i + 1] !== '') data.push(lines[++i]!)
      i++
      if (reason) continue
      try {
        const inflated = inflateSync(decodeBase85Lines(data))
        const parts = kind === 'literal' ? [inflated] : deltaInserts(inflated)
        for (const part of parts) reason ??= binaryVerdict(part, redactor)
      } catch {
        reason = 'it could not be decoded to be scanned for secrets'
      }
    }
    if (reason) {
      out.push(`(evalbox withheld this binary change: ${reason})`, '')
    } else {
      out.push(...lines.slice(start, i + 1))
    }
  }
  return out.join('\n')
}

/**
 * Makes a folder copied out of a sandbox safe to keep, in place: text files redacted, binary
 * files that hold a secret (or cannot be scanned) replaced by `<name>.withheld.txt` notes,
 * links whose target holds a secret removed, and names that hold a secret renamed. Returns
 * what was withheld.
 */
export async function redactTree(dir: string, redactor: Redactor): Promise<WithheldFile[]> {
  const withheld: WithheldFile[] = []
  const walk = async (folder: string): Promise<void> => {
    for (const name of await readdir(folder)) {
      let path = join(folder, name)
      const safeName = redactor.redact(name)
      if (safeName !== name) {
        await rename(path, join(folder, safeName))
        path = join(folder, safeName)
      }
      const stats = await lstat(path)
      if (stats.isDirectory()) {
        await walk(path)
      } else if (stats.isSymbolicLink()) {
        if (redactor.find(await readlink(path))) {
          await rm(path, { force: true })
          withheld.push({ path, reason: 'it is a link whose target contains a secret' })
        }
      } else if (stats.isFile()) {
        const result =
          stats.size > MAX_SCAN_BYTES
            ? { withheld: `it is larger than ${MAX_SCAN_BYTES} bytes, too large to scan for secrets` }
            : redactData(await readFile(path), redactor)
        if (result.withheld !== undefined) {
          await rm(path, { force: true })
          await writeFile(`${path}.withheld.txt`, withheldNote(result.withheld))
          withheld.push({ path, reason: result.withheld })
        } else if (typeof result.data === 'string') {
          await writeFile(path, result.data)
        }
      }
    }
  }
  await walk(dir)
  return withheld
}

/** The text of the note left in a withheld file's place. */
export function withheldNote(reason: string): string {
  return `evalbox withheld this file: ${reason}. Secrets never reach the results directory (see docs/agents.md, "Secrets").\n`
}
