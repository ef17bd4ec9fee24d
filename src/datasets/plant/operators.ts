import { swappedArguments } from './calls.ts'
import { droppedNullChecks } from './guards.ts'
import { enclosingFunction, endsOperand, keywordsAround, type Scan, startsOperand } from './source-scan.ts'
import type { Token } from './tokenize.ts'
import type { Mutation, OperatorName } from './types.ts'

export type { Mutation, OperatorName } from './types.ts'

export const OPERATORS: readonly OperatorName[] = [
  'off-by-one',
  'flipped-comparison',
  'dropped-null-check',
  'swapped-arguments',
  'boolean-operator',
]

const LABELS: Record<OperatorName, string> = {
  'off-by-one': 'off-by-one',
  'flipped-comparison': 'flipped comparison',
  'dropped-null-check': 'dropped null check',
  'swapped-arguments': 'swapped arguments',
  'boolean-operator': 'wrong boolean operator',
}

/** "off-by-one: `<` became `<=` in paginate()". */
export function describeMutation(m: Mutation): string {
  return `${LABELS[m.operator]}: ${m.change}${m.functionName ? ` in ${m.functionName}()` : ''}`
}

const OFF_BY_ONE: Record<string, string> = { '<': '<=', '<=': '<', '>': '>=', '>=': '>' }
const FLIPPED: Record<string, string> = {
  '<': '>',
  '>': '<',
  '<=': '>=',
  '>=': '<=',
  '===': '!==',
  '!==': '===',
  '==': '!=',
  '!=': '==',
}
const OPENING = new Set(['(', '[', '{'])
const CLOSING = new Set([')', ']', '}'])
const STOPS = new Set(['&&', '||', '??', ';', '?', ':', '=', '==', '===', '!=', '!==', '=>'])

// In TypeScript `Array<string>` and `foo<T>(x)` hold `<`/`>` that are no comparison: look
// for the partner bracket on the same line before anything that ends a comparison operand.
function looksGeneric(code: readonly Token[], k: number): boolean {
  const step = code[k]!.text === '<' ? 1 : -1
  const partner = step === 1 ? '>' : '<'
  let depth = 0
  for (let j = k + step; j >= 0 && j < code.length && code[j]!.line === code[k]!.line; j += step) {
    const text = code[j]!.text
    if (OPENING.has(text)) depth += step
    else if (CLOSING.has(text)) depth -= step
    if (depth < 0) return false
    if (depth === 0 && text === partner) return true
    if (depth === 0 && STOPS.has(text)) return false
  }
  return false
}

function binaryAt(s: Scan, k: number): boolean {
  return endsOperand(s.code[k - 1], s.language) && startsOperand(s.code[k + 1], s.language)
}

function isComparison(s: Scan, k: number): boolean {
  const text = s.code[k]!.text
  if (!binaryAt(s, k)) return false
  return s.language !== 'js' || (text !== '<' && text !== '>') || !looksGeneric(s.code, k)
}

function tokenMutation(
  s: Scan,
  operator: OperatorName,
  t: Token,
  replacement: string,
  change?: string,
): Mutation {
  const functionName = enclosingFunction(s, t.start)
  return {
    operator,
    start: t.start,
    end: t.end,
    replacement,
    change: change ?? `\`${t.text}\` became \`${replacement}\``,
    functionName,
    keywords: keywordsAround(s, t.start, t.end, [functionName]),
  }
}

function offByOne(s: Scan): Mutation[] {
  const found: Mutation[] = []
  s.code.forEach((t, k) => {
    if (t.kind !== 'punct') return
    const swap = OFF_BY_ONE[t.text]
    if (swap && isComparison(s, k)) found.push(tokenMutation(s, 'off-by-one', t, swap))
    const next = s.code[k + 1]
    if ((t.text === '+' || t.text === '-') && next?.text === '1' && endsOperand(s.code[k - 1], s.language))
      found.push(tokenMutation(s, 'off-by-one', next, '2', `\`${t.text} 1\` became \`${t.text} 2\``))
  })
  return found
}

function flippedComparison(s: Scan): Mutation[] {
  const found: Mutation[] = []
  s.code.forEach((t, k) => {
    const swap = t.kind === 'punct' ? FLIPPED[t.text] : undefined
    if (swap && isComparison(s, k)) found.push(tokenMutation(s, 'flipped-comparison', t, swap))
  })
  return found
}

function booleanOperator(s: Scan): Mutation[] {
  const swaps: Record<string, string> =
    s.language === 'js' ? { '&&': '||', '||': '&&' } : { and: 'or', or: 'and' }
  const found: Mutation[] = []
  s.code.forEach((t, k) => {
    const swap = swaps[t.text]
    const right = s.code[k + 1]
    const starts = startsOperand(right, s.language) || right?.text === 'not'
    if (
      swap &&
      (t.kind === 'punct' || t.kind === 'ident') &&
      endsOperand(s.code[k - 1], s.language) &&
      starts
    )
      found.push(tokenMutation(s, 'boolean-operator', t, swap))
  })
  return found
}

const FINDERS: Record<OperatorName, (s: Scan) => Mutation[]> = {
  'off-by-one': offByOne,
  'flipped-comparison': flippedComparison,
  'dropped-null-check': droppedNullChecks,
  'swapped-arguments': swappedArguments,
  'boolean-operator': booleanOperator,
}

/** Every mutation the operators can make in one file, in source order. */
export function findMutations(s: Scan, operators: readonly OperatorName[] = OPERATORS): Mutation[] {
  return operators.flatMap((name) => FINDERS[name](s)).sort((a, b) => a.start - b.start)
}
