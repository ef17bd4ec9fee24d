import { describe, expect, test } from 'vitest'
import { extractJson } from './json-text.ts'

describe('extractJson', () => {
  test('the whole text comes first, then a fence, then a balanced block', () => {
    expect(extractJson(' [1, {"a": 2}] \n')).toEqual([1, { a: 2 }])
    expect(extractJson('null')).toBeNull()
    // The fence wins over a block that comes before it in the text.
    expect(extractJson('Not {"a": 1} but:\n```json\n{"a": 2}\n```')).toEqual({ a: 2 })
    expect(extractJson('```JSON\n{"a": 3}\n```')).toEqual({ a: 3 })
    expect(extractJson('Sure thing: {"a": 4}. Done.')).toEqual({ a: 4 })
  })

  test('brackets inside strings do not end a block, and broken blocks are skipped', () => {
    expect(extractJson('Here: {"text": "a } and a ] and \\" {"} — ok')).toEqual({
      text: 'a } and a ] and " {',
    })
    // An opener that never closes, and one closed by the wrong bracket, are passed over.
    expect(extractJson('Sure {here it is: {"a": 1}')).toEqual({ a: 1 })
    expect(extractJson('{ oops ] then [true]')).toEqual([true])
    // A balanced block that is not JSON is skipped whole, not searched inside.
    expect(extractJson('{ note: {"a": 1} } and {"b": 2}')).toEqual({ b: 2 })
  })

  test('nothing that parses is undefined', () => {
    expect(extractJson('')).toBeUndefined()
    expect(extractJson('no json here {at all}')).toBeUndefined()
    expect(extractJson('```json\n{broken\n```')).toBeUndefined()
    expect(extractJson('{'.repeat(10_000))).toBeUndefined()
  })
})
