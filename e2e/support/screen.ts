/**
 * Replays what a program wrote to a terminal and returns the screen's rows as text: enough of
 * a VT100 for Vitest's window and evalbox's progress line (CR, LF, erase to end of line,
 * cursor up). Colours and private modes are dropped. Scrolled-off rows are kept.
 */
export function replayTerminal(output: string): string[] {
  const rows: string[][] = [[]]
  let row = 0
  let col = 0
  // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are the point
  const CSI = /^\u001b\[([?\d;]*)([A-Za-z])/
  for (let i = 0; i < output.length; ) {
    const ch = String.fromCodePoint(output.codePointAt(i)!)
    if (ch === '\u001b') {
      const match = CSI.exec(output.slice(i, i + 32))
      if (!match) {
        i++
        continue
      }
      const [, params, command] = match
      if (command === 'K') rows[row]!.length = Math.min(rows[row]!.length, col)
      else if (command === 'A') row = Math.max(0, row - (Number(params) || 1))
      else if (command === 'G') col = Math.max(0, (Number(params) || 1) - 1)
      i += match[0].length
      continue
    }
    if (ch === '\r') col = 0
    else if (ch === '\n') {
      row++
      rows[row] ??= []
    } else {
      const line = rows[row]!
      while (line.length < col) line.push(' ')
      line[col++] = ch
    }
    i += ch.length
  }
  return rows.map((cells) => cells.join('').trimEnd())
}
