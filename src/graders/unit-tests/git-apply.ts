import { inflateSync } from 'node:zlib'
import { applyPatch, parsePatch } from 'diff'
import { type GitFile, gitFile } from '../../agents/git-patch.ts'
import { decodeBase85Lines, walkDelta } from '../../core/git-binary.ts'
import { headerPath } from './patch-files.ts'

/** One file's part of a `git diff --binary` patch. */
export interface FilePatch {
  path: string
  /** Mode before and after; undefined: the file is absent on that side. */
  oldMode: GitFile['mode'] | undefined
  newMode: GitFile['mode'] | undefined
  /** Blob ids (full or abbreviated) from the `index` line, when it has them. */
  oldId?: string
  newId?: string
  /** The unified hunks (`--- ... +++ ... @@ ...`), for a text change. */
  text?: string
  /** The forward binary hunk, for a binary change. */
  binary?: { kind: 'literal' | 'delta'; size: number; lines: string[] }
  /** `Binary files ... differ`: a binary change without its bytes. */
  binaryWithoutData?: true
}

const MODES = new Set(['100644', '100755', '120000'])
const NULL_ID = /^0+$/

/** A patch that cannot be read or applied, naming the file. */
export class PatchError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`)
  }
}

/**
 * Reads a `git diff --binary --no-renames` patch (the harvest's `gitPatch`, or git's own)
 * into one entry per file section, in order (a type change is a deletion and a creation of
 * the same path). Pure.
 */
export function parseGitPatch(diff: string): FilePatch[] {
  const files: FilePatch[] = []
  const lines = diff.split('\n')
  let i = 0
  while (i < lines.length) {
    const line = lines[i]!
    if (!line.startsWith('diff --git ')) {
      i++
      continue
    }
    const path = headerPath(line.slice('diff --git '.length))
    if (path === undefined)
      throw new PatchError(line, 'cannot read the file name (renames and copies are not supported)')
    const file: FilePatch = { path, oldMode: undefined, newMode: undefined }
    let mode: string | undefined
    let state: 'modified' | 'added' | 'deleted' = 'modified'
    let oldMode: string | undefined
    let newMode: string | undefined
    i++
    for (; i < lines.length && !lines[i]!.startsWith('diff --git '); i++) {
      const header = lines[i]!
      const modeLine = /^(new file mode|deleted file mode|old mode|new mode) (\d+)$/.exec(header)
      const index = /^index ([0-9a-f]+)\.\.([0-9a-f]+)(?: (\d+))?$/.exec(header)
      if (modeLine) {
        const [, what, value] = modeLine
        if (what === 'new file mode') [state, newMode] = ['added', value]
        else if (what === 'deleted file mode') [state, oldMode] = ['deleted', value]
        else if (what === 'old mode') oldMode = value
        else newMode = value
      } else if (index) {
        ;[file.oldId, file.newId, mode] = [index[1], index[2], index[3]]
      } else if (header.startsWith('Binary files ')) file.binaryWithoutData = true
      else if (header === 'GIT binary patch') {
        const start = /^(literal|delta) (\d+)$/.exec(lines[i + 1] ?? '')
        if (!start) throw new PatchError(path, 'a binary patch without a literal or delta hunk')
        const data: string[] = []
        for (i += 2; i < lines.length && lines[i] !== ''; i++) data.push(lines[i]!)
        file.binary = { kind: start[1] as 'literal' | 'delta', size: Number(start[2]), lines: data }
        // The reverse hunk follows; it is not needed.
        while (i + 1 < lines.length && !lines[i + 1]!.startsWith('diff --git ')) i++
      } else if (header.startsWith('--- ') || header.startsWith('@@')) {
        const end = lines.findIndex((next, at) => at > i && next.startsWith('diff --git '))
        const stop = end < 0 ? lines.length : end
        file.text = lines.slice(i, stop).join('\n')
        i = stop - 1
      }
    }
    if (state !== 'added') file.oldMode = checkMode(path, oldMode ?? mode ?? newMode)
    if (state !== 'deleted') file.newMode = checkMode(path, newMode ?? mode ?? oldMode)
    files.push(file)
  }
  return files
}

function checkMode(path: string, mode: string | undefined): GitFile['mode'] {
  // A header without any mode: a plain content change of a regular file.
  if (mode === undefined) return '100644'
  if (!MODES.has(mode))
    throw new PatchError(path, `mode ${mode} is not a file or a link (submodules are not supported)`)
  return mode as GitFile['mode']
}

/**
 * The file after `patch`, from the file before it (undefined: absent), or undefined when
 * the patch deletes it. Checks what git apply checks: the file is there (or not) as the
 * patch expects, its blob id matches the `index` line, every hunk applies exactly, and the
 * result has the new blob id. Throws a {@link PatchError} otherwise. Pure.
 */
export function applyFilePatch(patch: FilePatch, old: GitFile | undefined): GitFile | undefined {
  const { path } = patch
  if (patch.binaryWithoutData)
    throw new PatchError(path, 'the patch has no binary data (made without --binary)')
  if (patch.oldMode === undefined && old) throw new PatchError(path, 'already exists in the verifier')
  if (patch.oldMode !== undefined && !old) throw new PatchError(path, 'does not exist in the verifier')
  if (old && patch.oldMode !== old.mode) {
    throw new PatchError(path, `has mode ${old.mode} in the verifier, the patch expects ${patch.oldMode}`)
  }
  if (old && !sameId(patch.oldId, old.id))
    throw new PatchError(path, 'differs from the file the patch was made from')
  if (patch.newMode === undefined) return undefined
  let data: Buffer
  if (patch.binaryWithoutData)
    throw new PatchError(path, 'the patch has no binary data (made without --binary)')
  else if (patch.binary) data = applyBinary(patch, old?.data ?? Buffer.alloc(0))
  else if (patch.text !== undefined) data = applyText(patch, old?.data.toString('utf8') ?? '')
  else data = old?.data ?? Buffer.alloc(0)
  const result = gitFile(patch.newMode, data)
  if (!sameId(patch.newId, result.id))
    throw new PatchError(path, 'applying the patch did not give the expected file')
  return result
}

function sameId(expected: string | undefined, actual: string): boolean {
  if (expected === undefined || NULL_ID.test(expected)) return true
  return actual.startsWith(expected)
}

function applyText(patch: FilePatch, old: string): Buffer {
  const [structured, ...more] = parsePatch(patch.text!)
  if (!structured || more.length > 0) throw new PatchError(patch.path, 'cannot read the text hunks')
  const result = applyPatch(old, structured, { autoConvertLineEndings: false })
  if (result === false) throw new PatchError(patch.path, 'a hunk does not apply')
  return Buffer.from(result, 'utf8')
}

function applyBinary(patch: FilePatch, old: Buffer): Buffer {
  const { kind, size, lines } = patch.binary!
  let data: Buffer
  try {
    data = inflateSync(decodeBase85Lines(lines))
  } catch (error) {
    throw new PatchError(patch.path, `corrupt binary patch (${(error as Error).message})`)
  }
  const result = kind === 'literal' ? data : applyDelta(patch.path, old, data)
  if (kind === 'literal' && result.length !== size) {
    throw new PatchError(patch.path, `corrupt binary patch (${result.length} bytes, expected ${size})`)
  }
  return result
}

/** Git's delta: source and target sizes, then copy (from the source) and insert instructions. */
function applyDelta(path: string, source: Buffer, delta: Buffer): Buffer {
  const bad = (why: string) => new PatchError(path, `corrupt binary delta (${why})`)
  let target = Buffer.alloc(0)
  let out = 0
  try {
    walkDelta(delta, {
      sizes(sourceSize, targetSize) {
        if (sourceSize !== source.length) throw bad('the file in the verifier has another size')
        target = Buffer.alloc(targetSize)
      },
      copy(offset, length) {
        if (offset + length > source.length || out + length > target.length) throw bad('a copy out of range')
        source.copy(target, out, offset, offset + length)
        out += length
      },
      insert(data) {
        if (out + data.length > target.length) throw bad('an insert out of range')
        data.copy(target, out)
        out += data.length
      },
    })
  } catch (error) {
    throw error instanceof PatchError ? error : bad((error as Error).message)
  }
  if (out !== target.length) throw bad('the result has the wrong size')
  return target
}
