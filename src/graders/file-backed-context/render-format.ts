/** Small helpers shared by the markdown renderers. */

/** Inline code that survives backticks in the text. */
export function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longest + 1)
  const pad = longest > 0 ? ' ' : ''
  return `${fence}${pad}${text}${pad}${fence}`
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}

/** A markdown table; `right` marks the columns aligned right (numbers). */
export function table(
  header: readonly string[],
  right: readonly boolean[],
  rows: readonly string[][],
): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`
  const rule = `| ${right.map((r) => (r ? '---:' : '---')).join(' | ')} |`
  return [line(header), rule, ...rows.map(line)].join('\n')
}

/** `part` as a percentage of `whole`, one decimal (`0.0%` when whole is 0). */
export function percent(part: number, whole: number): string {
  return `${whole === 0 ? '0.0' : ((part / whole) * 100).toFixed(1)}%`
}

export function yesNo(value: boolean): string {
  return value ? 'yes' : 'no'
}

/** `a`, `a and b`, `a, b and c`. */
export function listing(items: readonly string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}

export function sum<T>(items: readonly T[], pick: (item: T) => number): number {
  return items.reduce((total, item) => total + pick(item), 0)
}
