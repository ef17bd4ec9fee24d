import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { EvalboxError, errorMessage } from '../core/errors.ts'

/** Error codes that mean the results disk itself refuses the write (not a missing path). */
const DISK_CODES: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is a file, not a folder',
}

/** The errno code of an I/O error, if it has one. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return typeof code === 'string' ? code : undefined
}

/** True for an error that says the results disk is full, read-only or not ours to write. */
export function isDiskError(error: unknown): boolean {
  const code = errnoCode(error)
  return code !== undefined && code in DISK_CODES
}

/** `no space left on the device (ENOSPC)`: the cause of a failed write, in words. */
export function describeWriteError(error: unknown): string {
  const code = errnoCode(error)
  const words = code ? DISK_CODES[code] : undefined
  return words ? `${words} (${code})` : errorMessage(error)
}

/**
 * `mkdir -p` that reports the real cause. Node's recursive mkdir says ENOENT when a parent
 * cannot be created on a read-only file system; this retries the first missing folder on its
 * own, which fails with the true code (EROFS, EACCES...).
 */
export function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true })
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error
    let missing = dir
    while (!existsSync(dirname(missing)) && dirname(missing) !== missing) missing = dirname(missing)
    mkdirSync(missing)
    throw error
  }
}

/** The error a run stops with when its results directory cannot be written. */
export function unwritableError(resultsDir: string, error: unknown, consequence: string): EvalboxError {
  return new EvalboxError(
    'RESULTS_DIR_UNWRITABLE',
    `Cannot write eval results to ${resultsDir}: ${describeWriteError(error)}. ${consequence} ` +
      'Point EVALBOX_DIR or evalsProject({ resultsDir }) at a writable folder with free space, ' +
      "or fix the folder's permissions.",
    { cause: error },
  )
}

/**
 * Checks once, before any case runs, that the results directory can be written: creates it,
 * writes a probe file and removes it. A full disk, a read-only mount or a folder without
 * write permission stop the run here, with the real cause, instead of failing every case.
 *
 * @throws {EvalboxError} `RESULTS_DIR_UNWRITABLE` naming the directory and the cause.
 */
export function checkResultsDirWritable(resultsDir: string): void {
  const probe = join(resultsDir, `.evalbox-probe-${process.pid}`)
  try {
    makeDir(resultsDir)
    // One block's worth: a disk with no free block refuses it.
    writeFileSync(probe, Buffer.alloc(4096))
  } catch (error) {
    removeQuietly(probe)
    throw unwritableError(resultsDir, error, 'No case was run.')
  }
  removeQuietly(probe)
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true })
  } catch {
    // Nothing was left to remove, or the disk refuses even that; the probe is one small file.
  }
}
