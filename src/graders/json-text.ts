/**
 * The JSON value in a model's answer, read as leniently as answers need: the whole text;
 * else the first ```json (or bare ```) fence whose content parses; else the first balanced
 * `{...}` or `[...]` block (in text order) that parses, for answers that wrap the JSON in a
 * sentence. `undefined` when nothing parses. Pure.
 *
 * @example extractJson('Here you go:\n```json\n{"city": "Lima"}\n```') // { city: 'Lima' }
 */
export function extractJson(text: string): unknown {
  const whole = parse(text.trim())
  if (whole.ok) return whole.value
  for (const fenced of jsonFences(text)) {
    const content = parse(fenced)
    if (content.ok) return content.value
  }
  return firstBalancedBlock(text)
}

const FENCE_OPEN = /^\s*```\s*([\w+-]*)\s*$/
const FENCE_CLOSE = /^\s*```\s*$/

// Fences are read line by line so that the closing ``` of one block is never taken for the
// opening of the next.
function jsonFences(text: string): string[] {
  const fences: string[] = []
  let open: { json: boolean; lines: string[] } | undefined
  for (const line of text.split(/\r?\n/)) {
    if (open) {
      if (!FENCE_CLOSE.test(line)) open.lines.push(line)
      else {
        if (open.json) fences.push(open.lines.join('\n').trim())
        open = undefined
      }
      continue
    }
    const info = FENCE_OPEN.exec(line)?.[1]
    if (info !== undefined) open = { json: info === '' || info.toLowerCase() === 'json', lines: [] }
  }
  return fences
}

// Openers tried before giving up: each unclosed one costs a scan to the end of the text.
const MAX_OPENERS = 64

function firstBalancedBlock(text: string): unknown {
  let tried = 0
  for (let start = 0; start < text.length && tried < MAX_OPENERS; start++) {
    const char = text[start]
    if (char !== '{' && char !== '[') continue
    tried++
    const end = closingIndex(text, start)
    if (end === -1) continue
    const block = parse(text.slice(start, end + 1))
    if (block.ok) return block.value
    // A balanced block that is not JSON: skip it whole rather than try its insides.
    start = end
  }
  return undefined
}

/** Index of the bracket that closes the one at `start` (strings respected), or -1. */
function closingIndex(text: string, start: number): number {
  const stack: string[] = []
  let inString = false
  for (let i = start; i < text.length; i++) {
    const char = text[i]!
    if (inString) {
      if (char === '\\') i++
      else if (char === '"') inString = false
      continue
    }
    if (char === '"') inString = true
    else if (char === '{') stack.push('}')
    else if (char === '[') stack.push(']')
    else if (char === '}' || char === ']') {
      if (stack.pop() !== char) return -1
      if (stack.length === 0) return i
    }
  }
  return -1
}

function parse(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text === '') return { ok: false }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}
