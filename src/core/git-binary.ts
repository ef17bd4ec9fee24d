/**
 * The two encodings of `git diff --binary` that evalbox reads and writes: git's base85 lines
 * (of deflated data) and git's delta format. One copy, shared by the patch writer, the secret
 * scanner and the host-side patch apply.
 */

const BASE85 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~'
const DIGITS = new Map([...BASE85].map((char, value) => [char, value]))

/** Bytes per base85 line, as git writes them. */
const LINE_BYTES = 52

/** Git's base85 lines of `data`: a length letter (A-Z: 1-26, a-z: 27-52 bytes), then 5 digits per 4 bytes. */
export function encodeBase85Lines(data: Buffer): string[] {
  const lines: string[] = []
  for (let start = 0; start < data.length; start += LINE_BYTES) {
    const chunk = data.subarray(start, start + LINE_BYTES)
    const size = chunk.length
    let line = size <= 26 ? String.fromCharCode(64 + size) : String.fromCharCode(96 + size - 26)
    for (let i = 0; i < size; i += 4) {
      let value = 0
      for (let j = 0; j < 4; j++) value = value * 256 + (chunk[i + j] ?? 0)
      let group = ''
      for (let k = 0; k < 5; k++) {
        group = BASE85[value % 85]! + group
        value = Math.floor(value / 85)
      }
      line += group
    }
    lines.push(line)
  }
  return lines
}

/**
 * Decodes git's base85 lines (see {@link encodeBase85Lines}).
 *
 * @throws {Error} naming the bad line or character.
 */
export function decodeBase85Lines(lines: readonly string[]): Buffer {
  const chunks: Buffer[] = []
  for (const line of lines) {
    const letter = line.charCodeAt(0)
    const length =
      letter >= 65 && letter <= 90 ? letter - 64 : letter >= 97 && letter <= 122 ? letter - 70 : 0
    const body = line.slice(1)
    if (length === 0 || body.length !== Math.ceil(length / 4) * 5)
      throw new Error(`bad line ${JSON.stringify(line)}`)
    const bytes = Buffer.alloc((body.length / 5) * 4)
    for (let group = 0; group < body.length / 5; group++) {
      let value = 0
      for (const char of body.slice(group * 5, group * 5 + 5)) {
        const digit = DIGITS.get(char)
        if (digit === undefined) throw new Error(`bad character ${JSON.stringify(char)}`)
        value = value * 85 + digit
      }
      if (value > 0xffffffff) throw new Error('a group over 32 bits')
      bytes.writeUInt32BE(value, group * 4)
    }
    chunks.push(bytes.subarray(0, length))
  }
  return Buffer.concat(chunks)
}

/** What a git delta does, instruction by instruction (see {@link walkDelta}). */
export interface DeltaVisitor {
  /** Called first with the sizes the delta declares; may throw to stop. */
  sizes?(sourceSize: number, targetSize: number): void
  /** Copy `length` bytes of the source from `offset`. */
  copy(offset: number, length: number): void
  /** Insert these bytes (a view into the delta). */
  insert(data: Buffer): void
}

/**
 * Reads a git delta: its source and target sizes, then each copy and insert instruction in
 * order, calling `visit` for each.
 *
 * @throws {Error} on an unknown instruction or an insert past the end of the delta.
 */
export function walkDelta(delta: Buffer, visit: DeltaVisitor): void {
  let at = 0
  const size = () => {
    let value = 0
    let shift = 0
    let byte: number
    do {
      byte = delta[at++] ?? 0
      value += (byte & 0x7f) * 2 ** shift
      shift += 7
    } while (byte & 0x80 && at < delta.length)
    return value
  }
  const sourceSize = size()
  const targetSize = size()
  visit.sizes?.(sourceSize, targetSize)
  while (at < delta.length) {
    const op = delta[at++]!
    if (op & 0x80) {
      let offset = 0
      let length = 0
      for (let bit = 0; bit < 4; bit++) if (op & (1 << bit)) offset += (delta[at++] ?? 0) * 2 ** (8 * bit)
      for (let bit = 0; bit < 3; bit++)
        if (op & (1 << (4 + bit))) length += (delta[at++] ?? 0) * 2 ** (8 * bit)
      visit.copy(offset, length === 0 ? 0x10000 : length)
    } else if (op > 0) {
      if (at + op > delta.length) throw new Error('an insert out of range')
      visit.insert(delta.subarray(at, at + op))
      at += op
    } else throw new Error('an unknown instruction')
  }
}
