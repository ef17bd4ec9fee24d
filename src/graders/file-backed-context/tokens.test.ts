import { describe, expect, test } from 'vitest'
import { charCount, estimateTokens, fitToBudget } from './tokens.ts'

describe('tokens', () => {
  test('estimates characters / 4, rounded up, counting code points', () => {
    expect([0, 1, 4, 5].map(estimateTokens)).toEqual([0, 1, 1, 2])
    expect(charCount('a😀b')).toBe(3)
  })

  test('keeps text within the budget unchanged', () => {
    expect(fitToBudget('abcdefgh', 2)).toEqual({ text: 'abcdefgh', truncated: false, cutChars: 0 })
  })

  test('cuts the middle of text past the budget, keeping head and tail halves', () => {
    const text = `HEAD${'-'.repeat(100)}TAIL`
    expect(fitToBudget(text, 2)).toEqual({
      text: 'HEAD\n[... 100 characters cut to fit the context ...]\nTAIL',
      truncated: true,
      cutChars: 100,
    })
    expect(fitToBudget('😀😀😀', 0).text).toBe('\n[... 3 characters cut to fit the context ...]\n')
  })
})
