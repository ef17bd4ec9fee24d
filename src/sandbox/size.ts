/**
 * The one rule for memory and disk sizes (`limits.memory`, `limits.disk`), used by the spec
 * check at definition time and by the docker container config, as Docker reads them: a
 * positive whole number of bytes, or a number with a 1024-based unit `k`, `m`, `g`, `t` or
 * `p`, optionally followed by `b` or `ib` (case ignored): `'512m'`, `'512mb'`, `'512MiB'`,
 * `'1.5g'`, `536870912`.
 */

/** Below this Docker refuses a memory limit. */
export const MIN_MEMORY_BYTES = 6 * 1024 ** 2
/** Below this tmpfs folders cannot hold even a small workspace. */
export const MIN_DISK_BYTES = 1024 ** 2

const UNITS: Record<string, number> = {
  '': 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
}

/** A size in bytes, or `NaN` when the value is not one. */
export function sizeBytes(value: unknown): number {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : Number.NaN
  const match = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(?:([kmgtp])i?)?b?\s*$/i.exec(value) : null
  const bytes = match ? Math.floor(Number(match[1]) * UNITS[(match[2] ?? '').toLowerCase()]!) : Number.NaN
  return bytes > 0 ? bytes : Number.NaN
}

/** What a size of at least `min` bytes looks like, for messages: "a size of at least 6 MiB, like …". */
export function sizeExpected(min: number): string {
  return `a size of at least ${min / 1024 ** 2} MiB: bytes, or a number with k, m, g or t (1024-based), like "512m", "512mb" or "2g"`
}
