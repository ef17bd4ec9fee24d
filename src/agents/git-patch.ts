import { isUtf8 } from 'node:buffer'
import { createHash } from 'node:crypto'
import { deflateSync } from 'node:zlib'
import { formatPatch, OMIT_HEADERS, structuredPatch } from 'diff'
import { encodeBase85Lines } from '../core/git-binary.ts'

/** One file as git records it: regular, executable or a symbolic link (its text as data). */
export interface GitFile {
  readonly mode: '100644' | '100755' | '120000'
  readonly data: Buffer
  /** Git's blob id of `data`. */
  readonly id: string
}

const NULL_ID = '0'.repeat(40)

/** A {@link GitFile} with its blob id. */
export function gitFile(mode: GitFile['mode'], data: Buffer): GitFile {
  const id = createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex')
  return { mode, data, id }
}

/**
 * The patch from `before` to `after` (paths relative to the workdir) in the format of
 * `git diff --binary --full-index --no-renames`, which `git apply` takes: new, edited and
 * deleted files, mode changes, symbolic links, and a type change as a deletion followed by a
 * creation. Text is UTF-8 without NUL bytes; anything else is a binary (literal) patch, so
 * every byte survives. Returns the patch and the changed paths, sorted. Pure.
 */
export function gitPatch(
  before: ReadonlyMap<string, GitFile>,
  after: ReadonlyMap<string, GitFile>,
): { patch: string; files: string[] } {
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort()
  const parts: string[] = []
  const files: string[] = []
  for (const path of paths) {
    const old = before.get(path)
    const now = after.get(path)
    if (old && now && old.id === now.id && old.mode === now.mode) continue
    files.push(path)
    const typeChange = old && now && (old.mode === '120000') !== (now.mode === '120000')
    if (typeChange) {
      parts.push(filePatch(path, old, undefined), filePatch(path, undefined, now))
    } else parts.push(filePatch(path, old, now))
  }
  return { patch: parts.join(''), files }
}

function filePatch(path: string, old: GitFile | undefined, now: GitFile | undefined): string {
  const a = quotePath(`a/${path}`)
  const b = quotePath(`b/${path}`)
  const lines = [`diff --git ${a} ${b}`]
  if (!old) lines.push(`new file mode ${now!.mode}`)
  else if (!now) lines.push(`deleted file mode ${old.mode}`)
  else if (old.mode !== now.mode) lines.push(`old mode ${old.mode}`, `new mode ${now.mode}`)
  const oldData = old?.data ?? Buffer.alloc(0)
  const newData = now?.data ?? Buffer.alloc(0)
  if ((old?.id ?? NULL_ID) === (now?.id ?? NULL_ID)) return `${lines.join('\n')}\n`
  const sameMode = old && now && old.mode === now.mode
  lines.push(`index ${old?.id ?? NULL_ID}..${now?.id ?? NULL_ID}${sameMode ? ` ${now.mode}` : ''}`)
  if (isText(oldData) && isText(newData)) {
    // An empty file made or removed has no hunk (git writes the header only).
    if (oldData.length === 0 && newData.length === 0) return `${lines.join('\n')}\n`
    lines.push(`--- ${old ? a : '/dev/null'}`, `+++ ${now ? b : '/dev/null'}`)
    return `${lines.join('\n')}\n${textHunks(oldData.toString('utf8'), newData.toString('utf8'))}`
  }
  lines.push('GIT binary patch', ...binaryLiteral(newData), '', ...binaryLiteral(oldData), '')
  return `${lines.join('\n')}\n`
}

// Git's test for binary: a NUL byte in the first 8000 bytes. Text that is not UTF-8 goes as
// binary too, so a patch held as a JavaScript string keeps every byte.
function isText(data: Buffer): boolean {
  return !data.subarray(0, 8000).includes(0) && isUtf8(data)
}

function textHunks(oldText: string, newText: string): string {
  const structured = structuredPatch('', '', oldText, newText, undefined, undefined, {
    context: 3,
    timeout: 10_000,
  })
  // Too slow to diff line by line: replace the whole file, which applies all the same.
  const patch = structured ?? wholeFile(oldText, newText)
  // Git leaves out `,1` in hunk ranges; both forms apply, the short one matches `git diff`.
  return formatPatch({ ...patch, hunks: patch.hunks.map((hunk) => ({ ...hunk })) }, OMIT_HEADERS).replace(
    /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$/gm,
    (_, a, b, c, d) => `@@ -${b === '1' ? a : `${a},${b}`} +${d === '1' ? c : `${c},${d}`} @@`,
  )
}

function wholeFile(oldText: string, newText: string): ReturnType<typeof structuredPatch> & object {
  const split = (text: string, sign: string): string[] => {
    if (text === '') return []
    const lines = text.split('\n')
    const last = lines.pop()!
    const out = lines.map((line) => `${sign}${line}`)
    if (last !== '') out.push(`${sign}${last}`, '\\ No newline at end of file')
    return out
  }
  const removed = split(oldText, '-')
  const added = split(newText, '+')
  const count = (lines: string[]) => lines.filter((line) => !line.startsWith('\\')).length
  return {
    oldFileName: '',
    newFileName: '',
    oldHeader: undefined,
    newHeader: undefined,
    hunks: [
      {
        oldStart: 1,
        oldLines: count(removed),
        newStart: 1,
        newLines: count(added),
        lines: [...removed, ...added],
      },
    ],
  }
}

/** `literal <size>` and git's base85 lines of the deflated bytes. */
function binaryLiteral(data: Buffer): string[] {
  return [`literal ${data.length}`, ...encodeBase85Lines(deflateSync(data))]
}

/** Git's quoting of a path with special bytes (`core.quotePath`): C escapes and octal UTF-8. */
export function quotePath(path: string): string {
  const bytes = Buffer.from(path, 'utf8')
  if (!bytes.some((byte) => byte < 0x20 || byte >= 0x7f || byte === 34 || byte === 92)) return path
  const escapes: Record<number, string> = {
    7: 'a',
    8: 'b',
    9: 't',
    10: 'n',
    11: 'v',
    12: 'f',
    13: 'r',
    34: '"',
    92: '\\',
  }
  let out = '"'
  for (const byte of bytes) {
    if (escapes[byte]) out += `\\${escapes[byte]}`
    else if (byte < 0x20 || byte >= 0x7f) out += `\\${byte.toString(8).padStart(3, '0')}`
    else out += String.fromCharCode(byte)
  }
  return `${out}"`
}
