import { describe, expect, it } from 'vitest'
import { backoffMs, retryAfterMs, sleep } from './retry.ts'

describe('retryAfterMs', () => {
  const now = Date.parse('2026-11-21T12:00:00Z')
  it('reads retry-after-ms first, then retry-after seconds or HTTP date', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250)
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }), now)).toBe(3000)
    expect(retryAfterMs(new Headers({ 'retry-after': '1.5' }), now)).toBe(1500)
    expect(retryAfterMs(new Headers({ 'retry-after': 'Sat, 21 Nov 2026 12:00:07 GMT' }), now)).toBe(7000)
    expect(retryAfterMs(new Headers({ 'retry-after': 'Sat, 21 Nov 2026 11:00:00 GMT' }), now)).toBe(0)
  })

  it('ignores absent or unreadable values', () => {
    expect(retryAfterMs(new Headers(), now)).toBeUndefined()
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined()
    expect(retryAfterMs(new Headers({ 'retry-after-ms': 'x', 'retry-after': '2' }), now)).toBe(2000)
  })
})

describe('backoffMs', () => {
  const options = { baseDelayMs: 100, maxDelayMs: 1000 }
  it('doubles per retry within [half, full] of the step, capped', () => {
    expect([1, 2, 3].map((retry) => backoffMs(retry, options, () => 0))).toEqual([50, 100, 200])
    expect([1, 2, 3].map((retry) => backoffMs(retry, options, () => 1))).toEqual([100, 200, 400])
    expect(backoffMs(10, options, () => 1)).toBe(1000)
  })
})

describe('sleep', () => {
  it('rejects with the abort reason', async () => {
    const controller = new AbortController()
    const pending = sleep(60_000, controller.signal)
    controller.abort(new Error('stopped'))
    await expect(pending).rejects.toThrow('stopped')
    await expect(sleep(1, AbortSignal.abort(new Error('already')))).rejects.toThrow('already')
  })
})
