import { describe, expect, it } from 'vitest'
import { DEFAULT_JUDGE_MODELS } from './defaults.ts'
import { DEFAULT_PRICING, findModelPrice, priceUsage } from './pricing.ts'

describe('findModelPrice', () => {
  it('matches ids exactly or with a snapshot suffix', () => {
    expect(findModelPrice('claude-haiku-4-5')).toBe(DEFAULT_PRICING['claude-haiku-4-5'])
    expect(findModelPrice('claude-haiku-4-5-20251001')).toBe(DEFAULT_PRICING['claude-haiku-4-5'])
    expect(findModelPrice('gpt-4.1-2025-04-14')).toBe(DEFAULT_PRICING['gpt-4.1'])
    expect(findModelPrice('claude-sonnet-4-5@20250929')).toBe(DEFAULT_PRICING['claude-sonnet-4-5'])
    expect(findModelPrice('claude-opus-4-6[1m]')).toBe(DEFAULT_PRICING['claude-opus-4-6'])
  })

  it('strips router and cloud prefixes', () => {
    expect(findModelPrice('us.anthropic.claude-sonnet-4-5-20250929-v1:0')).toBe(
      DEFAULT_PRICING['claude-sonnet-4-5'],
    )
    expect(findModelPrice('openai/gpt-5-mini')).toBe(DEFAULT_PRICING['gpt-5-mini'])
  })

  it('never prices a model by a shorter family name', () => {
    expect(findModelPrice('gpt-5-mini')).toBe(DEFAULT_PRICING['gpt-5-mini'])
    expect(findModelPrice('claude-opus-4-9')).toBeUndefined()
    expect(findModelPrice('gpt-5-turbo-preview')).toBeUndefined()
    expect(findModelPrice('llama3:8b')).toBeUndefined()
  })
})

describe('the default judge models', () => {
  it('are priced, so a judge run with no model named reports its cost', () => {
    for (const model of Object.values(DEFAULT_JUDGE_MODELS)) expect(findModelPrice(model)).toBeDefined()
    expect(priceUsage(DEFAULT_JUDGE_MODELS.openai, { input: 1_000_000, output: 1_000_000 }).costUsd).toBe(6)
  })
})

describe('priceUsage', () => {
  it('prices input, output, cache reads and writes separately', () => {
    const cost = priceUsage('claude-opus-4-1', {
      input: 1_000_000,
      output: 100_000,
      cacheRead: 1_000_000,
      cacheWrite: 1_000_000,
    })
    // $15 + $7.50 + $1.50 + $18.75
    expect(cost.priced).toBe(true)
    expect(cost.costUsd).toBeCloseTo(42.75, 10)
  })

  it('uses the input price for cache traffic a table leaves unpriced', () => {
    const table = { m: { input: 2, output: 4 } }
    expect(
      priceUsage('m', { input: 0, output: 0, cacheRead: 1_000_000, cacheWrite: 500_000 }, table).costUsd,
    ).toBe(3)
  })

  it('returns cost 0 and priced: false for unknown models', () => {
    expect(priceUsage('mystery', { input: 5, output: 5 })).toEqual({ costUsd: 0, priced: false })
  })
})
