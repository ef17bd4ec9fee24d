/** The languages bugs can be planted in. */
export type Language = 'js' | 'python'

export type TokenKind = 'ident' | 'number' | 'string' | 'regex' | 'comment' | 'punct' | 'newline'

/** One token; `start`/`end` are offsets into the source, `line` is 1-based. */
export interface Token {
  readonly kind: TokenKind
  readonly text: string
  readonly start: number
  readonly end: number
  readonly line: number
}

// Longest first, so `===` wins over `==` and `**=` over `**`.
const JS_PUNCT = [
  '>>>=',
  '...',
  '===',
  '!==',
  '**=',
  '<<=',
  '>>=',
  '>>>',
  '&&=',
  '||=',
  '??=',
  '=>',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '??',
  '?.',
  '++',
  '--',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '**',
  '<<',
  '>>',
]
const PY_PUNCT = [
  '**=',
  '//=',
  '>>=',
  '<<=',
  '...',
  '->',
  ':=',
  '==',
  '!=',
  '<=',
  '>=',
  '//',
  '**',
  '<<',
  '>>',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '@=',
]

// After these, a `/` starts a regular expression rather than a division.
const REGEX_AFTER_WORDS = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
])

const NUMBER =
  /(?:0[xXoObB][\da-fA-F_]+|\d[\d_]*(?:\.[\d_]*)?(?:[eE][+-]?\d+)?|\.\d[\d_]*(?:[eE][+-]?\d+)?)[njJ]?/y
const IDENT = /[A-Za-z_$\u00c0-\uffff][\w$\u00c0-\uffff]*/y
const STRING_PREFIX = /[rRbBuUfF]{1,2}(?=['"])/y

/**
 * A small tokenizer for JavaScript/TypeScript and Python: enough to tell code from strings,
 * template literals, regular expressions and comments, so that bugs are never planted inside
 * them. Whitespace is dropped; line breaks are kept as `newline` tokens.
 */
export function tokenize(source: string, language: Language): Token[] {
  const tokens: Token[] = []
  const punct = language === 'js' ? JS_PUNCT : PY_PUNCT
  let i = 0
  let line = 1
  const push = (kind: TokenKind, end: number) => {
    const text = source.slice(i, end)
    tokens.push({ kind, text, start: i, end, line })
    for (const ch of text) if (ch === '\n') line++
    i = end
  }
  const lastSignificant = () => {
    for (let k = tokens.length - 1; k >= 0; k--) {
      const t = tokens[k]!
      if (t.kind !== 'comment' && t.kind !== 'newline') return t
    }
    return undefined
  }
  while (i < source.length) {
    const ch = source[i]!
    if (ch === '\n') {
      push('newline', i + 1)
      continue
    }
    if (ch === '\\' && source[i + 1] === '\n') {
      // An explicit line continuation: one logical line goes on.
      i += 2
      line++
      continue
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v') {
      i++
      continue
    }
    if (language === 'js' && source.startsWith('//', i)) {
      push('comment', lineEnd(source, i))
      continue
    }
    if (language === 'js' && source.startsWith('/*', i)) {
      const close = source.indexOf('*/', i + 2)
      push('comment', close === -1 ? source.length : close + 2)
      continue
    }
    if (language === 'python' && ch === '#') {
      push('comment', lineEnd(source, i))
      continue
    }
    if (language === 'python') {
      STRING_PREFIX.lastIndex = i
      const prefix = STRING_PREFIX.exec(source)
      if (prefix) {
        push('string', scanPythonString(source, i + prefix[0].length))
        continue
      }
    }
    if (ch === '"' || ch === "'") {
      push('string', language === 'python' ? scanPythonString(source, i) : scanQuoted(source, i))
      continue
    }
    if (language === 'js' && ch === '`') {
      push('string', scanTemplate(source, i))
      continue
    }
    if (language === 'js' && ch === '/') {
      const prev = lastSignificant()
      const regexPossible =
        !prev ||
        (prev.kind === 'punct' && !')]}'.includes(prev.text)) ||
        (prev.kind === 'ident' && REGEX_AFTER_WORDS.has(prev.text))
      const end = regexPossible ? scanRegex(source, i) : -1
      if (end !== -1) {
        push('regex', end)
        continue
      }
    }
    NUMBER.lastIndex = i
    const number =
      /\d/.test(ch) || (ch === '.' && /\d/.test(source[i + 1] ?? '')) ? NUMBER.exec(source) : null
    if (number) {
      push('number', i + number[0].length)
      continue
    }
    IDENT.lastIndex = i
    const ident = IDENT.exec(source)
    if (ident) {
      push('ident', i + ident[0].length)
      continue
    }
    const op = punct.find((p) => source.startsWith(p, i))
    push('punct', i + (op?.length ?? 1))
  }
  return tokens
}

function lineEnd(source: string, from: number): number {
  const end = source.indexOf('\n', from)
  return end === -1 ? source.length : end
}

function scanQuoted(source: string, start: number): number {
  const quote = source[start]
  for (let i = start + 1; i < source.length; i++) {
    const ch = source[i]
    if (ch === '\\') i++
    else if (ch === quote || ch === '\n') return i + 1
  }
  return source.length
}

function scanPythonString(source: string, start: number): number {
  const quote = source[start]!
  const triple = source.startsWith(quote.repeat(3), start)
  if (!triple) return scanQuoted(source, start)
  const close = quote.repeat(3)
  for (let i = start + 3; i < source.length; i++) {
    if (source[i] === '\\') i++
    else if (source.startsWith(close, i)) return i + 3
  }
  return source.length
}

// A template literal with its `${...}` parts (which may hold strings and templates).
function scanTemplate(source: string, start: number): number {
  let i = start + 1
  while (i < source.length) {
    const ch = source[i]
    if (ch === '\\') i += 2
    else if (ch === '`') return i + 1
    else if (ch === '$' && source[i + 1] === '{') i = scanInterpolation(source, i + 2)
    else i++
  }
  return source.length
}

function scanInterpolation(source: string, start: number): number {
  let depth = 1
  let i = start
  while (i < source.length && depth > 0) {
    const ch = source[i]!
    if (ch === '`') i = scanTemplate(source, i)
    else if (ch === '"' || ch === "'") i = scanQuoted(source, i)
    else if (source.startsWith('//', i)) i = lineEnd(source, i)
    else if (source.startsWith('/*', i)) {
      const close = source.indexOf('*/', i + 2)
      i = close === -1 ? source.length : close + 2
    } else {
      if (ch === '{') depth++
      else if (ch === '}') depth--
      i++
    }
  }
  return i
}

// A regular expression literal, or -1 when the line ends first (then it was a division).
function scanRegex(source: string, start: number): number {
  let inClass = false
  for (let i = start + 1; i < source.length; i++) {
    const ch = source[i]
    if (ch === '\n') return -1
    if (ch === '\\') i++
    else if (ch === '[') inClass = true
    else if (ch === ']') inClass = false
    else if (ch === '/' && !inClass) {
      let end = i + 1
      while (end < source.length && /[a-z]/i.test(source[end]!)) end++
      return end
    }
  }
  return -1
}
