import type { Language, Token } from './tokenize.ts'

const JS_WORDS = new Set(
  (
    'break case catch class const continue debugger default delete do else export extends finally for ' +
    'function if import in instanceof let new return super switch throw try typeof var void while with ' +
    'yield async await of static get set this true false interface type enum implements private ' +
    'protected public readonly as from'
  ).split(' '),
)
const PY_WORDS = new Set(
  (
    'and as assert async await break class continue def del elif else except finally for from global if ' +
    'import in is lambda nonlocal not or pass raise return try while with yield self cls True False print'
  ).split(' '),
)
// Names too common to tell one bug from another in a review.
const VAGUE = new Set([
  'length',
  'value',
  'result',
  'i',
  'j',
  'k',
  'x',
  'n',
  'a',
  'b',
  'console',
  'log',
  'Math',
])

/** A source file's tokens, with the code tokens (no comments or line breaks) alongside. */
export interface Scan {
  readonly source: string
  readonly language: Language
  readonly tokens: readonly Token[]
  /** Code tokens only. */
  readonly code: readonly Token[]
}

export function scan(source: string, language: Language, tokens: readonly Token[]): Scan {
  return {
    source,
    language,
    tokens,
    code: tokens.filter((t) => t.kind !== 'comment' && t.kind !== 'newline'),
  }
}

/** True for reserved words of the language. */
export function isKeyword(text: string, language: Language): boolean {
  return (language === 'js' ? JS_WORDS : PY_WORDS).has(text)
}

/** A token that can end an operand: a name, a literal, or a closing bracket. */
export function endsOperand(t: Token | undefined, language: Language): boolean {
  if (!t) return false
  if (t.kind === 'ident')
    return !isKeyword(t.text, language) || /^(this|self|true|false|True|False)$/.test(t.text)
  return t.kind === 'number' || t.kind === 'string' || t.kind === 'regex' || t.text === ')' || t.text === ']'
}

/** A token that can start an operand. */
export function startsOperand(t: Token | undefined, language: Language): boolean {
  if (!t) return false
  if (t.kind === 'ident')
    return (
      !isKeyword(t.text, language) || /^(this|self|true|false|True|False|new|not|typeof|await)$/.test(t.text)
    )
  return (
    t.kind === 'number' ||
    t.kind === 'string' ||
    t.kind === 'regex' ||
    ['(', '[', '-', '!', '+'].includes(t.text)
  )
}

const PAIRS: Record<string, string> = { '(': ')', '[': ']', '{': '}' }

/** Index (in `code`) of the bracket closing the one at `open`, or -1. */
export function closingBracket(code: readonly Token[], open: number): number {
  const stack: string[] = []
  for (let k = open; k < code.length; k++) {
    const text = code[k]!.text
    if (PAIRS[text]) stack.push(PAIRS[text])
    else if (text === ')' || text === ']' || text === '}') {
      if (stack.pop() !== text) return -1
      if (stack.length === 0) return k
    }
  }
  return -1
}

/** Offset of the start of the line holding `offset`. */
export function lineStart(source: string, offset: number): number {
  return source.lastIndexOf('\n', offset - 1) + 1
}

/** Offset just past the line break ending the line holding `offset` (or the end). */
export function nextLineStart(source: string, offset: number): number {
  const end = source.indexOf('\n', offset)
  return end === -1 ? source.length : end + 1
}

/** Name of the function around `offset`: the innermost one whose body holds it. */
export function enclosingFunction(s: Scan, offset: number): string | undefined {
  return s.language === 'python' ? enclosingDef(s.source, offset) : enclosingJsFunction(s.code, offset)
}

function enclosingJsFunction(code: readonly Token[], offset: number): string | undefined {
  const stack: Array<string | undefined> = []
  let pending: string | undefined
  for (let k = 0; k < code.length && code[k]!.start < offset; k++) {
    const t = code[k]!
    const next = code[k + 1]
    const prev = code[k - 1]
    if (t.text === 'function' && next?.kind === 'ident' && next.text !== '(') pending = next.text
    else if (t.kind === 'ident' && (next?.text === '=' || next?.text === ':') && !isKeyword(t.text, 'js')) {
      const after = code[k + 2]
      const afterNext = after?.text === 'async' ? code[k + 3] : after
      if (
        afterNext &&
        (afterNext.text === 'function' || afterNext.text === '(' || code[k + 3]?.text === '=>')
      )
        pending = t.text
    } else if (t.kind === 'ident' && next?.text === '(' && prev?.text !== '.' && !isKeyword(t.text, 'js')) {
      const close = closingBracket(code, k + 1)
      if (close !== -1 && code[close + 1]?.text === '{') pending = t.text
    }
    if (t.text === '{') {
      stack.push(pending)
      pending = undefined
    } else if (t.text === '}') stack.pop()
    else if (t.text === ';') pending = undefined
  }
  for (let k = stack.length - 1; k >= 0; k--) if (stack[k]) return stack[k]
  return pending
}

function enclosingDef(source: string, offset: number): string | undefined {
  const lines = source.slice(0, nextLineStart(source, offset)).split('\n')
  const indentOf = (line: string) => line.length - line.trimStart().length
  let limit = indentOf(lines[lines.length - 1] ?? lines[lines.length - 2] ?? '')
  for (let k = lines.length - 2; k >= 0 && limit > 0; k--) {
    const line = lines[k]!
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue
    const indent = indentOf(line)
    if (indent >= limit) continue
    const def = /^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)/.exec(line)
    if (def) return def[1]
    limit = indent
  }
  return undefined
}

/**
 * Keywords for a bug: the function's name first, then other names from the code tokens
 * in `[from, to)` (the changed code and its line), skipping reserved words and vague names.
 */
export function keywordsAround(
  s: Scan,
  from: number,
  to: number,
  first: readonly (string | undefined)[],
): string[] {
  const words: string[] = []
  const add = (w: string | undefined) => {
    if (w && !words.includes(w)) words.push(w)
  }
  for (const w of first) add(w)
  const start = lineStart(s.source, from)
  const end = nextLineStart(s.source, Math.max(from, to - 1))
  for (const t of s.code) {
    if (t.start < start || t.end > end || t.kind !== 'ident') continue
    const keep =
      /^(null|undefined|None)$/.test(t.text) || (!isKeyword(t.text, s.language) && !VAGUE.has(t.text))
    if (keep) add(t.text)
  }
  return words.slice(0, 6)
}
