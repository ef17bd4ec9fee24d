import { randomBytes } from 'node:crypto'
import { describeValue, EvalboxError } from '../../core/errors.ts'

const SAFE_ID = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/

/** True when `value` can name a folder or file in the store without leaving it. */
export function isSafeId(value: unknown): value is string {
  return typeof value === 'string' && SAFE_ID.test(value) && !value.includes('..')
}

/**
 * Throws unless `value` is a path-safe id: 1–128 letters, digits, `_`, `-` or `.`, starting
 * with a letter, digit or `_`, without `..`. Thread and artifact ids become path segments, so
 * separators and parent references must never reach the file system.
 */
export function assertSafeId(value: unknown, what: string): asserts value is string {
  if (isSafeId(value)) return
  throw new EvalboxError(
    'INVALID_OPTIONS',
    `Expected \`${what}\` to be a path-safe id (letters, digits, "_", "-", "."; no "/", "\\" or ".."; at most 128 characters), got ${describeValue(value)}.`,
  )
}

/** A fresh artifact id: `art-` and 12 random hex digits. */
export function newArtifactId(): string {
  return `art-${randomBytes(6).toString('hex')}`
}
