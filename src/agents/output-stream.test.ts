import { describe, expect, test } from 'vitest'
import { createByteBudget } from './output-stream.ts'

describe('createByteBudget', () => {
  test('passes the first maxBytes, cuts at a character boundary, and counts the rest', () => {
    const budget = createByteBudget(10)
    expect(budget.take('abcdefgh')).toBe('abcdefgh')
    // 'é' is two bytes: the one that would straddle the cap is not split.
    expect(budget.take('ééé')).toBe('é')
    expect(budget.take(Buffer.from('more'))).toEqual(Buffer.alloc(0))
    expect(budget.dropped).toBe(4 + 4)
  })
})
