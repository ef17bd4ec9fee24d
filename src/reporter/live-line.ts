import { Writable } from 'node:stream'

/** One line of text kept up to date in place at the bottom of a terminal. */
export interface LiveLine {
  /** Shows `text` (drawn on the next tick); `undefined` clears the line until the next text. */
  update(text: string | undefined): void
  /** Clears the line and stops drawing (safe to call twice). */
  stop(): void
}

const CLEAR = '\r\u001b[K'
// Fast enough to follow a run, slow enough to cost nothing; Vitest's own window redraws
// about once a second and wipes the line, so the next tick brings it back.
const TICK_MS = 200

type Write = (chunk: unknown, ...rest: unknown[]) => boolean

/**
 * A live line on `stream` (stderr), or `undefined` when it is not a terminal. The cursor is
 * left at the start of the line after each draw, so whoever writes next starts at column 0.
 *
 * Two ways to share the terminal:
 * - another live renderer owns it (Vitest's default and dot reporters in a terminal replace
 *   `write` on stdout/stderr and keep a window at the bottom whose last row is blank): the
 *   line is drawn on that blank row, through the stream's own `write`, and redrawn each tick
 *   since every redraw of the window wipes it;
 * - nobody does: writes to stdout/stderr are intercepted while the line is shown, the line
 *   is cleared before each of them and drawn again on the next tick, so logs never run into it.
 */
export function liveLine(stream: NodeJS.WriteStream = process.stderr): LiveLine | undefined {
  if (!stream.isTTY) return undefined
  const shared = Object.hasOwn(process.stdout, 'write') || Object.hasOwn(process.stderr, 'write')
  // The stream's own write, past any replacement of `stream.write` (Vitest's or ours).
  const write = Writable.prototype.write as (this: NodeJS.WriteStream, chunk: string) => boolean
  const raw = (text: string) => {
    write.call(stream, text)
  }
  let text: string | undefined
  let drawn = false
  let dirty = false
  const restores: Array<() => void> = []

  const clear = () => {
    if (drawn || shared) raw(CLEAR)
    drawn = false
  }
  const draw = () => {
    if (text === undefined || !(dirty || shared || !drawn)) return
    raw(`${CLEAR}${text}\r`)
    drawn = true
    dirty = false
  }
  const timer = setInterval(draw, TICK_MS)
  timer.unref()

  if (!shared) {
    for (const target of new Set([process.stdout, process.stderr, stream])) {
      if (!target.isTTY) continue
      const original = target.write
      target.write = ((chunk: unknown, ...rest: unknown[]) => {
        if (drawn) clear()
        return (original as Write).call(target, chunk, ...rest)
      }) as typeof target.write
      restores.push(() => {
        target.write = original
      })
    }
  }

  let stopped = false
  return {
    update(next) {
      if (stopped) return
      if (next === undefined) {
        if (text !== undefined) clear()
        text = undefined
        return
      }
      dirty = dirty || next !== text
      text = next
    },
    stop() {
      if (stopped) return
      stopped = true
      clearInterval(timer)
      for (const restore of restores.splice(0)) restore()
      if (text !== undefined || drawn) clear()
      text = undefined
    },
  }
}
