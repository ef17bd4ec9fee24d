import { createHash } from 'node:crypto'
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Finds cases of one run whose harvested patches are the same. */
export interface PatchRegistry {
  /**
   * Registers `patch` as the patch of `caseKey` and returns the key of an earlier case with
   * the same (normalised) patch, if there is one. Empty patches are never duplicates.
   */
  duplicateOf(caseKey: string, patch: string): string | undefined
}

/** Options of {@link createPatchRegistry}. */
export interface PatchRegistryOptions {
  /**
   * A folder shared by every worker of the run (e.g. `runs/<runId>/patches`): each patch
   * hash becomes a file created exclusively, so the first case to claim it wins across
   * processes. Without it the registry lives in this process only.
   * @default none (in memory)
   */
  dir?: string
}

/**
 * The patch with what does not change its meaning removed: CRLF line ends, `index` lines
 * (blob ids), the function context after hunk headers, trailing whitespace, leading and
 * trailing blank lines. Pure.
 */
export function normalizePatch(patch: string): string {
  return patch
    .replace(/\r\n/g, '\n')
    .split('\n')
    .filter((line) => !line.startsWith('index '))
    .map((line) => line.replace(/^(@@ [^@]* @@).*$/, '$1').replace(/[ \t]+$/, ''))
    .join('\n')
    .trim()
}

/** SHA-256 of the normalised patch, or undefined when the patch is empty. Pure. */
export function patchHash(patch: string): string | undefined {
  const normalized = normalizePatch(patch)
  return normalized === '' ? undefined : createHash('sha256').update(normalized).digest('hex')
}

/** Makes a patch registry, in memory or shared through `dir`. */
export function createPatchRegistry(options: PatchRegistryOptions = {}): PatchRegistry {
  const claims = new Map<string, string>()
  const { dir } = options
  let made = false
  const claim = (hash: string, caseKey: string): string => {
    if (!dir) {
      if (!claims.has(hash)) claims.set(hash, caseKey)
      return claims.get(hash)!
    }
    if (!made) mkdirSync(dir, { recursive: true })
    made = true
    const file = join(dir, `${hash}.case`)
    // Written aside and linked into place: the link fails if the name exists, and a reader
    // never sees a half-written claim.
    const temp = join(dir, `.${hash}.${process.pid}.${Math.random().toString(36).slice(2)}`)
    writeFileSync(temp, caseKey)
    try {
      linkSync(temp, file)
      return caseKey
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      return readFileSync(file, 'utf8')
    } finally {
      rmSync(temp, { force: true })
    }
  }
  return {
    duplicateOf(caseKey, patch) {
      const hash = patchHash(patch)
      if (hash === undefined) return undefined
      const owner = claim(hash, caseKey)
      return owner === caseKey ? undefined : owner
    },
  }
}
