/** Small pure formatters shared by the text renderers. */

/** `$1.23`; cents are enough for eval costs. */
export function formatCost(usd: number): string {
  return `$${usd.toFixed(2)}`
}

/** `+$0.12` / `-$0.05`; a change that rounds to zero cents reads `$0.00`. */
export function formatCostDelta(usd: number): string {
  const cents = Math.round(usd * 100)
  if (cents === 0) return '$0.00'
  return `${cents > 0 ? '+' : '-'}$${(Math.abs(cents) / 100).toFixed(2)}`
}

/** `850ms`, `12s`, `2m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  if (Math.round(ms) < 1000) return `${Math.round(ms)}ms`
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`
}

/** `+3s` / `-850ms`; zero is `0s`. */
export function formatDurationDelta(ms: number): string {
  if (Math.round(ms) === 0) return '0s'
  return `${ms > 0 ? '+' : '-'}${formatDuration(Math.abs(ms))}`
}

/** `+2` / `-1` / `0`. */
export function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n)
}

/**
 * A before/after pair: `a→b(change)` (or `a → b (change)` with `spaced`), or the one side that
 * exists, or `''`. `delta` renders the change when the two differ.
 */
export function formatPair(
  before: number | undefined,
  after: number | undefined,
  show: (n: number) => string,
  delta?: (n: number) => string,
  spaced = false,
): string {
  if (before !== undefined && after !== undefined) {
    const gap = spaced ? ' ' : ''
    const change = delta && after !== before ? `${gap}(${delta(after - before)})` : ''
    return `${show(before)}${gap}→${gap}${show(after)}${change}`
  }
  const only = after ?? before
  return only === undefined ? '' : show(only)
}

/** Cuts `text` to `width` characters, ending in `…` when cut. */
export function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`
}

/** An ISO timestamp as `2026-01-02 10:00 UTC`; anything unparseable is shown as given. */
export function formatTime(iso: string): string {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return iso || 'unknown time'
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/** How {@link alignColumns} lays out cells. */
export interface ColumnOptions {
  /** `'l'` or `'r'` per column. @default 'l' for every column */
  align?: Array<'l' | 'r'>
  /** Styles a cell after padding, so escape codes never skew the widths. */
  paint?: (cell: string, row: number, column: number) => string
}

/** Pads cells so that columns line up; trailing spaces are trimmed from each line. */
export function alignColumns(rows: string[][], options: ColumnOptions = {}): string[] {
  const widths: number[] = []
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length)
    })
  }
  const paint = options.paint
  return rows.map((row, r) =>
    row
      .map((cell, i) => {
        const padded = options.align?.[i] === 'r' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)
        return paint && cell !== '' ? padded.replace(cell, paint(cell, r, i)) : padded
      })
      .join('  ')
      .trimEnd(),
  )
}
