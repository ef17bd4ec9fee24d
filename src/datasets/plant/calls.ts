import { closingBracket, enclosingFunction, isKeyword, keywordsAround, type Scan } from './source-scan.ts'
import type { Token } from './tokenize.ts'
import type { Mutation } from './types.ts'

// Calls whose argument order tests rarely see, or that are not calls of the code under test.
const SKIPPED_CALLEES = new Set([
  'log',
  'warn',
  'error',
  'info',
  'debug',
  'print',
  'require',
  'import',
  'super',
])
const DEFINERS = new Set(['function', 'def', 'class', 'new'])

interface Argument {
  readonly first: Token
  readonly last: Token
  /** False for spreads (`...xs`, `*args`) and keyword arguments (`key=1`): never swapped. */
  readonly plain: boolean
}

// Top-level arguments between `(` at `open` and `)` at `close`; undefined when the list
// looks like parameters (`a: string`, `b = 1` in JS): then it is a definition.
function splitArguments(
  code: readonly Token[],
  open: number,
  close: number,
  python: boolean,
): Argument[] | undefined {
  const args: Argument[] = []
  let depth = 0
  let begin = open + 1
  let plain = true
  for (let k = open + 1; k <= close; k++) {
    const text = code[k]!.text
    if (k < close && (text === '(' || text === '[' || text === '{')) depth++
    else if (k < close && (text === ')' || text === ']' || text === '}')) depth--
    else if (depth === 0 && (text === ',' || k === close)) {
      if (k === begin) {
        if (k === close && args.length > 0) break // trailing comma
        return undefined
      }
      args.push({ first: code[begin]!, last: code[k - 1]!, plain })
      begin = k + 1
      plain = true
      continue
    }
    if (depth !== 0) continue
    if (k === begin && ['...', '*', '**'].includes(text)) plain = false
    if (text === ':' || (text === '=' && !python)) return undefined
    if (text === '=') plain = false
  }
  return args
}

/**
 * Calls of two or more arguments, with two neighbouring arguments swapped:
 * `clamp(value, min, max)` → `clamp(min, value, max)`. Function definitions, spreads and
 * keyword arguments are left alone, and both arguments must sit on one line.
 */
export function swappedArguments(s: Scan): Mutation[] {
  const found: Mutation[] = []
  s.code.forEach((t, k) => {
    const callee = s.code[k - 1]
    if (t.text !== '(' || callee?.kind !== 'ident' || isKeyword(callee.text, s.language)) return
    if (SKIPPED_CALLEES.has(callee.text) || DEFINERS.has(s.code[k - 2]?.text ?? '')) return
    const close = closingBracket(s.code, k)
    const after = s.code[close + 1]?.text
    if (close === -1 || after === '{' || after === '=>' || (s.language === 'python' && after === ':')) return
    const args = splitArguments(s.code, k, close, s.language === 'python')
    if (!args || args.length < 2) return
    const functionName = enclosingFunction(s, t.start)
    for (let i = 0; i + 1 < args.length; i++) {
      const a = args[i]!
      const b = args[i + 1]!
      if (!a.plain || !b.plain || a.first.line !== b.last.line) continue
      const left = s.source.slice(a.first.start, a.last.end)
      const right = s.source.slice(b.first.start, b.last.end)
      if (left === right) continue
      const between = s.source.slice(a.last.end, b.first.start)
      found.push({
        operator: 'swapped-arguments',
        start: a.first.start,
        end: b.last.end,
        replacement: `${right}${between}${left}`,
        change: `\`${left}\` and \`${right}\` were swapped in the call to ${callee.text}()`,
        functionName,
        keywords: keywordsAround(s, a.first.start, b.last.end, [functionName, callee.text]),
      })
    }
  })
  return found
}
