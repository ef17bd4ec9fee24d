import { isDeepStrictEqual } from 'node:util'
import * as z from 'zod'
import { lazy } from '../core/lazy.ts'
import { defineGrader, graderOptions, snippet } from './define.ts'
import type { Grader } from './types.ts'

const textOptionsSchema = lazy(() => z.strictObject({ ignoreCase: z.boolean().optional() }))
const equalsOptionsSchema = lazy(() => z.strictObject({ normalizeWhitespace: z.boolean().optional() }))

export interface TextMatchOptions {
  /** Compare without regard to case. @default false */
  ignoreCase?: boolean
}

/**
 * Passes when the output contains `needle` (every needle, when given several). The score is
 * the fraction of needles found.
 */
export function contains(needle: string | readonly string[], options: TextMatchOptions = {}): Grader {
  graderOptions('graders.contains()', z.union([z.string(), z.array(z.string()).min(1)]), needle, 'needle')
  graderOptions('graders.contains()', textOptionsSchema(), options)
  const needles = typeof needle === 'string' ? [needle] : [...needle]
  const fold = options.ignoreCase ? (s: string) => s.toLowerCase() : (s: string) => s
  const wanted = needles.map(fold)
  return defineGrader(`contains(${needles.map((n) => JSON.stringify(n)).join(', ')})`, ({ output }) => {
    const text = fold(output)
    const missing = needles.filter((_, i) => !text.includes(wanted[i]!))
    const score = (needles.length - missing.length) / needles.length
    return {
      score,
      pass: missing.length === 0,
      explanation:
        missing.length === 0
          ? 'output contains every expected string'
          : `output lacks ${missing.map((m) => JSON.stringify(m)).join(', ')}; output: ${snippet(output)}`,
    }
  })
}

/** Passes when the output matches the regular expression. */
export function matches(pattern: RegExp): Grader {
  graderOptions(
    'graders.matches()',
    z.instanceof(RegExp, { error: 'must be a RegExp, such as /fixed/i' }),
    pattern,
    'pattern',
  )
  return defineGrader(`matches(${pattern})`, ({ output }) => {
    pattern.lastIndex = 0
    const found = pattern.exec(output)
    return {
      pass: found !== null,
      explanation: found
        ? `matched ${snippet(found[0], 60)}`
        : `no match for ${pattern}; output: ${snippet(output)}`,
    }
  })
}

export interface EqualsOptions {
  /** Compare strings after trimming and collapsing whitespace. @default true */
  normalizeWhitespace?: boolean
}

/**
 * Passes when the output equals `expected` (the data row's `expected` when omitted).
 * Strings compare as text; other values compare deeply with the task's return value.
 */
export function equals(...args: [expected?: unknown, options?: EqualsOptions]): Grader {
  const [expected, options = {}] = args
  graderOptions('graders.equals()', equalsOptionsSchema(), options)
  // `equals()` means the row's expected value; `equals(undefined)` really means undefined.
  const useRow = args.length === 0
  const normalize = options.normalizeWhitespace ?? true
  const clean = (s: string) => (normalize ? s.replace(/\s+/g, ' ').trim() : s)
  return defineGrader(
    useRow ? 'equals(expected)' : `equals(${JSON.stringify(expected)?.slice(0, 40)})`,
    (ctx) => {
      const want = useRow ? ctx.expected : expected
      const same =
        typeof want === 'string'
          ? clean(ctx.output) === clean(want)
          : isDeepStrictEqual(ctx.value, want) || ctx.output === JSON.stringify(want)
      return {
        pass: same,
        explanation: same
          ? 'output equals the expected value'
          : `expected ${snippet(typeof want === 'string' ? want : (JSON.stringify(want) ?? 'undefined'), 60)}, got ${snippet(ctx.output, 60)}`,
      }
    },
  )
}
