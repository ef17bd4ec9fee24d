import { closeSync, openSync, readSync } from 'node:fs'

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COLON = 0x3a
const COMMA = 0x2c
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d

/** `indexOf`'s answer, with "not found" as the end of the chunk. */
const found = (index: number, end: number) => (index < 0 ? end : index)

const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09

/** What {@link scanTopLevel} found of a JSON object file. */
export interface ScannedObject {
  /** The object's text with each lifted array replaced by `[]`. */
  header: string
  /** The file ended before the top-level object closed (cut short, or not one object). */
  truncated: boolean
}

/**
 * Reads the JSON object in `path` in chunks without ever holding it whole: every top-level
 * field is kept as text except the arrays under the keys in `lifted`, whose elements go to
 * `onElement` one at a time (their raw JSON text, for `JSON.parse`) and are left out of the
 * header as `[]`. Memory stays at one chunk, one element and the header — a 200 MB run file is
 * almost all `tests`. Strings and nesting are followed exactly; the syntax of the text handed
 * out is checked by whoever parses it. A lifted key whose value is no array is kept as is.
 */
export function scanTopLevel(
  path: string,
  lifted: ReadonlySet<string>,
  onElement: (key: string, text: string) => void = () => {},
  chunkSize = 1 << 20,
): ScannedObject {
  const header: Buffer[] = []
  let element: Buffer[] = []
  // Where the bytes go: the header, the element being read, or the key being read.
  let sink: 'header' | 'element' | 'between' | 'key' = 'header'
  let depth = 0
  let inString = false
  let escaped = false
  let expectKey = false
  let key: Buffer[] = []
  let lastKey = ''
  // After the colon of a lifted key: waiting for its `[`.
  let pending: string | undefined
  let lifting: string | undefined
  let closed = false

  const fd = openSync(path, 'r')
  const buffer = Buffer.allocUnsafe(chunkSize)
  try {
    while (!closed) {
      const read = readSync(fd, buffer, 0, chunkSize, null)
      if (read === 0) break
      const chunk = buffer.subarray(0, read)
      let from = 0
      /** Sends chunk[from, to) to the current sink, then moves `from`. */
      const flush = (to: number) => {
        if (to > from) {
          const part = Buffer.from(chunk.subarray(from, to))
          if (sink === 'header') header.push(part)
          else if (sink === 'element') element.push(part)
          else if (sink === 'key') key.push(part)
        }
        from = to
      }
      const emit = () => {
        const text = Buffer.concat(element).toString('utf8').trim()
        element = []
        if (text) onElement(lifting!, text)
      }
      // Inside a string only a quote or a backslash matters: jump to the next one (native
      // search), which is most of the bytes of a run file (outputs, explanations).
      let nextQuote = -1
      let nextBackslash = -1
      for (let i = 0; i < read; i++) {
        if (inString && !escaped) {
          if (nextQuote < i) nextQuote = found(chunk.indexOf(QUOTE, i), read)
          if (nextBackslash < i) nextBackslash = found(chunk.indexOf(BACKSLASH, i), read)
          i = Math.min(nextQuote, nextBackslash)
          if (i >= read) break
        }
        const byte = chunk[i]!
        if (inString) {
          if (escaped) escaped = false
          else if (byte === BACKSLASH) escaped = true
          else if (byte === QUOTE) {
            inString = false
            if (sink === 'key') {
              flush(i)
              const raw = Buffer.concat(key)
              key = []
              lastKey = JSON.parse(`"${raw.toString('utf8')}"`) as string
              header.push(raw)
              sink = 'header'
            }
          }
          continue
        }
        if (pending !== undefined) {
          if (isSpace(byte)) continue
          if (byte === OPEN_ARRAY) {
            // The array's text is left out; `[]` stands for it.
            flush(i)
            header.push(Buffer.from('[]'))
            lifting = pending
            pending = undefined
            depth++
            sink = 'between'
            from = i + 1
            continue
          }
          pending = undefined
        }
        if (byte === QUOTE) {
          inString = true
          if (depth === 1 && expectKey && !lifting) {
            expectKey = false
            flush(i + 1)
            sink = 'key'
          } else if (lifting && depth === 2 && sink === 'between') {
            flush(i)
            sink = 'element'
          }
          continue
        }
        if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
          if (lifting && depth === 2 && sink === 'between') {
            flush(i)
            sink = 'element'
          }
          depth++
          if (depth === 1) expectKey = byte === OPEN_OBJECT
          continue
        }
        if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
          depth--
          if (lifting && depth === 1) {
            // The lifted array ends: its last element, then back to the header after `]`.
            flush(i)
            if (sink === 'element') emit()
            lifting = undefined
            sink = 'header'
            from = i + 1
          } else if (depth === 0) {
            closed = true
            flush(i + 1)
            break
          }
          continue
        }
        if (lifting && depth === 2) {
          if (byte === COMMA) {
            flush(i)
            if (sink === 'element') emit()
            sink = 'between'
            from = i + 1
          } else if (sink === 'between' && !isSpace(byte)) {
            // A number, true, false or null.
            flush(i)
            sink = 'element'
          }
          continue
        }
        if (depth === 1 && !lifting) {
          if (byte === COMMA) expectKey = true
          else if (byte === COLON && lifted.has(lastKey)) pending = lastKey
        }
      }
      if (!closed) flush(read)
    }
  } finally {
    closeSync(fd)
  }
  return { header: Buffer.concat(header).toString('utf8'), truncated: !closed }
}
