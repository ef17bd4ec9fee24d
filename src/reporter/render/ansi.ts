/** Options shared by the text renderers. */
export interface RenderOptions {
  /**
   * Add ANSI colours (red failures, green passes, bold headers).
   * @default false
   */
  color?: boolean
  /**
   * Rows listed per group before the rest is summed up in one line. Failures, regressions and
   * fixes come first, so they are the last to be cut.
   * @default 50
   */
  maxRows?: number
}

/** The default of {@link RenderOptions.maxRows}. */
export const MAX_ROWS = 50

type Paint = (text: string) => string

/** The colour functions for a renderer; identity functions when colour is off. */
export interface Palette {
  red: Paint
  green: Paint
  yellow: Paint
  bold: Paint
  dim: Paint
}

const wrap =
  (open: number, close: number): Paint =>
  (text) =>
    text === '' ? text : `\u001b[${open}m${text}\u001b[${close}m`

const plain: Paint = (text) => text

/** A palette for `options.color`. */
export function palette(options: RenderOptions = {}): Palette {
  if (!options.color) return { red: plain, green: plain, yellow: plain, bold: plain, dim: plain }
  return { red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), bold: wrap(1, 22), dim: wrap(2, 22) }
}
