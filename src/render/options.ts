import { createColors } from 'picocolors'

/** Options shared by the text renderers. */
export interface RenderOptions {
  /**
   * Add ANSI colours (red failures, green passes, bold headers). The caller decides
   * (`NO_COLOR`, `FORCE_COLOR`, a TTY: `useColor` in the CLI); renderers never look at the
   * environment themselves.
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

/** picocolors' colour functions for `options.color`: identity functions when it is off. */
export function palette(options: RenderOptions = {}): ReturnType<typeof createColors> {
  return createColors(options.color === true)
}
