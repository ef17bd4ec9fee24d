import { describe, expect, test } from 'vitest'
import { resolveTests } from './resolution.ts'
import type { ParsedTest } from './types.ts'

const run: ParsedTest[] = [
  { name: 'a', status: 'passed' },
  { name: 'b', status: 'passed' },
  { name: 'c', status: 'failed' },
  { name: 'd', status: 'skipped' },
  { name: 'e', status: 'passed' },
  { name: 'e', status: 'failed' },
]

describe('resolveTests (SWE-bench semantics)', () => {
  test('full: every F2P and every P2P test passes', () => {
    expect(resolveTests(run, ['a'], ['b']).resolved).toBe('full')
    expect(resolveTests(run, [], ['a', 'b']).resolved).toBe('full')
  })

  test('partial: some but not all F2P tests pass, every P2P test passes', () => {
    const report = resolveTests(run, ['a', 'c'], ['b'])
    expect(report.resolved).toBe('partial')
    expect(report.failToPass).toEqual({ total: 2, passing: ['a'], failing: ['c'], missing: [] })
  })

  test('no: a P2P test fails, or no F2P test passes; skipped, missing and twice-reported tests do not pass', () => {
    expect(resolveTests(run, ['a'], ['c']).resolved).toBe('no')
    expect(resolveTests(run, ['c'], ['a']).resolved).toBe('no')
    expect(resolveTests(run, ['d'], []).resolved).toBe('no')
    expect(resolveTests(run, ['e'], []).resolved).toBe('no')
    const missing = resolveTests(run, ['zzz'], [])
    expect(missing.resolved).toBe('no')
    expect(missing.failToPass.missing).toEqual(['zzz'])
  })
})
