/** Small pure helpers for GitHub-flavoured markdown. */

/**
 * Text safe inside a table cell: whitespace runs (newlines included) become one space, and
 * characters markdown or HTML would act on (`| * _ \` [ ] < > \\`) are backslash-escaped.
 */
export function mdCell(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`)
}

/** A table; `align` per column (`'r'` right-aligns numbers). Cells are used as given. */
export function mdTable(header: string[], rows: string[][], align: Array<'l' | 'r'> = []): string[] {
  const rule = header.map((_, i) => (align[i] === 'r' ? '---:' : '---'))
  return [header, rule, ...rows].map((cells) => `| ${cells.join(' | ')} |`)
}
