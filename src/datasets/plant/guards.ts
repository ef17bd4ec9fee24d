import {
  closingBracket,
  enclosingFunction,
  keywordsAround,
  lineStart,
  nextLineStart,
  type Scan,
} from './source-scan.ts'
import type { Token } from './tokenize.ts'
import type { Mutation } from './types.ts'

const EXITS = new Set(['return', 'throw', 'raise'])

function mentionsNothing(cond: readonly Token[]): boolean {
  return cond.some(
    (t) =>
      (t.kind === 'ident' && (t.text === 'null' || t.text === 'undefined' || t.text === 'None')) ||
      (t.kind === 'string' && /^['"]undefined['"]$/.test(t.text)),
  )
}

function indentAt(source: string, offset: number): number {
  const start = lineStart(source, offset)
  return source.slice(start).length - source.slice(start).trimStart().length
}

// Index of the last token of the statement starting at `from`: where a later line begins
// outside brackets (or at a `;`).
function statementEnd(code: readonly Token[], from: number): number {
  let depth = 0
  for (let k = from; k < code.length; k++) {
    const text = code[k]!.text
    if (text === '(' || text === '[' || text === '{') depth++
    else if (text === ')' || text === ']' || text === '}') depth--
    if (depth < 0) return k - 1
    if (depth === 0 && text === ';') return k
    const next = code[k + 1]
    if (depth === 0 && (!next || next.line > code[k]!.line)) return k
  }
  return code.length - 1
}

function guard(s: Scan, ifIndex: number, endIndex: number): Mutation | undefined {
  const first = s.code[ifIndex]!
  const last = s.code[endIndex]!
  const start = lineStart(s.source, first.start)
  const end = nextLineStart(s.source, last.end)
  // The guard must have its lines to itself: nothing before `if`, at most a comment after.
  if (s.source.slice(start, first.start).trim() !== '') return undefined
  const after = s.source.slice(last.end, end).trim()
  if (after !== '' && !after.startsWith(s.language === 'js' ? '//' : '#')) return undefined
  const follower = s.code[endIndex + 1]
  if (follower && (follower.text === 'else' || follower.text === 'elif')) return undefined
  const text = s.source.slice(first.start, last.end).replace(/\s+/g, ' ')
  const shown = text.length > 70 ? `${text.slice(0, 67)}...` : text
  const functionName = enclosingFunction(s, first.start)
  return {
    operator: 'dropped-null-check',
    start,
    end,
    replacement: '',
    change: `the guard \`${shown}\` was removed`,
    functionName,
    keywords: keywordsAround(s, first.start, last.end, [functionName]),
  }
}

function jsGuards(s: Scan): Mutation[] {
  const found: Mutation[] = []
  s.code.forEach((t, k) => {
    if (t.text !== 'if' || s.code[k + 1]?.text !== '(' || s.code[k - 1]?.text === 'else') return
    const close = closingBracket(s.code, k + 1)
    if (close === -1 || !mentionsNothing(s.code.slice(k + 2, close))) return
    const body = s.code[close + 1]
    let end: number
    if (body?.text === '{') {
      end = closingBracket(s.code, close + 1)
      const inner = s.code.slice(close + 2, end)
      const statements = inner.filter((x) => x.text === ';').length
      if (end === -1 || !EXITS.has(inner[0]?.text ?? '') || statements > 1) return
      if (statements === 1 && inner.at(-1)?.text !== ';') return
    } else if (body && EXITS.has(body.text)) end = statementEnd(s.code, close + 1)
    else return
    const m = guard(s, k, end)
    if (m) found.push(m)
  })
  return found
}

function pythonGuards(s: Scan): Mutation[] {
  const found: Mutation[] = []
  s.code.forEach((t, k) => {
    if (t.text !== 'if' || t.kind !== 'ident') return
    let depth = 0
    let colon = -1
    for (let j = k + 1; j < s.code.length; j++) {
      const text = s.code[j]!.text
      if (text === '(' || text === '[' || text === '{') depth++
      else if (text === ')' || text === ']' || text === '}') depth--
      else if (depth === 0 && text === ':') {
        colon = j
        break
      }
    }
    if (colon === -1 || !mentionsNothing(s.code.slice(k + 1, colon))) return
    const body = s.code[colon + 1]
    if (!body || !EXITS.has(body.text)) return
    const sameLine = body.line === s.code[colon]!.line
    if (!sameLine && indentAt(s.source, body.start) <= indentAt(s.source, t.start)) return
    const end = statementEnd(s.code, colon + 1)
    const next = s.code[end + 1]
    if (next && indentAt(s.source, next.start) > indentAt(s.source, t.start)) return
    const m = guard(s, k, end)
    if (m) found.push(m)
  })
  return found
}

/**
 * Guards that return or throw early on a missing value: `if (x == null) return ...`,
 * `if (!x) { throw ... }` with a null/undefined test, `if x is None: return ...`. Removing
 * one drops its whole lines.
 */
export function droppedNullChecks(s: Scan): Mutation[] {
  return s.language === 'js' ? jsGuards(s) : pythonGuards(s)
}
