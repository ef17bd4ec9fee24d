import { describe, expect, it } from 'vitest'
import { isIdle, ProgressCounter, progressText } from './progress.ts'

describe('ProgressCounter', () => {
  it('counts cases through collected → started → finished, with failures and spend', () => {
    const counter = new ProgressCounter()
    counter.start(2)
    expect(counter.snapshot()).toEqual({ done: 0, failed: 0, running: 0, queued: 0, loading: 2, costUsd: 0 })
    counter.collected(['a', 'b', 'c'])
    counter.ready('a')
    counter.ready('b')
    expect(counter.snapshot()).toMatchObject({ running: 2, queued: 1, loading: 1 })
    counter.result('a', { failed: true, costUsd: 0.5 })
    counter.result('a', { failed: true, costUsd: 0.5 })
    counter.result('b', { failed: false, costUsd: 0.25 })
    expect(counter.snapshot()).toEqual({
      done: 2,
      failed: 1,
      running: 0,
      queued: 1,
      loading: 1,
      costUsd: 0.75,
    })
    expect(isIdle(counter.snapshot())).toBe(false)
    counter.collected([])
    counter.result('c', { failed: false, costUsd: Number.NaN })
    expect(counter.snapshot()).toMatchObject({ done: 3, queued: 0, loading: 0, costUsd: 0.75 })
    expect(isIdle(counter.snapshot())).toBe(true)
  })

  it('starts afresh on a new run', () => {
    const counter = new ProgressCounter()
    counter.start(1)
    counter.collected(['a'])
    counter.result('a', { failed: true, costUsd: 1 })
    counter.start(3)
    expect(counter.snapshot()).toEqual({ done: 0, failed: 0, running: 0, queued: 0, loading: 3, costUsd: 0 })
  })
})

describe('progressText', () => {
  const snapshot = { done: 12, failed: 1, running: 3, queued: 40, loading: 0, costUsd: 0.423 }

  it('says done (failed), running, queued and spend', () => {
    expect(progressText(snapshot)).toBe('evals: 12 done (1 failed), 3 running, 40 queued, $0.42 spent')
    expect(progressText({ ...snapshot, failed: 0, loading: 1 })).toBe(
      'evals: 12 done, 3 running, 40 queued, 1 file loading, $0.42 spent',
    )
  })

  it('never wraps: cut to the terminal width, 79 when the width is unknown', () => {
    expect(progressText(snapshot, 30)).toBe('evals: 12 done (1 failed), 3…')
    expect(progressText(snapshot, 30)).toHaveLength(29)
    const long = { ...snapshot, loading: 123456789012345 }
    expect(progressText(long, 0)).toHaveLength(79)
    expect(progressText(long, undefined)).toHaveLength(79)
  })
})
