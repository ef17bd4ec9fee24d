import { describe, expect, test } from 'vitest'
import { contains } from '../graders/text.ts'
import { validateDescribeEvalOptions, validateEvalTestOptions, validateRows } from './options.ts'

describe('eval options are validated at definition time', () => {
  test('a bad value names the eval, the field and the value', () => {
    expect(() => validateEvalTestOptions('fixes paginate', { timeout: -5 })).toThrowError(
      /evalTest\("fixes paginate"\): `timeout` .*got `-5` \(number\)\. Fix the eval's options\./,
    )
  })

  test('maxOutputBytes must be a whole number of bytes, at least 1024', () => {
    expect(() => validateEvalTestOptions('floods', { maxOutputBytes: 0 })).toThrowError(
      /evalTest\("floods"\): `maxOutputBytes` must be a whole number of bytes, at least 1024, got `0` \(number\)/,
    )
    expect(() => validateEvalTestOptions('floods', { maxOutputBytes: 1.5e6 + 0.5 })).toThrowError(
      /`maxOutputBytes`/,
    )
    expect(validateEvalTestOptions('floods', { maxOutputBytes: 1024 })).toEqual({ maxOutputBytes: 1024 })
  })

  test('nested fields are named by their path', () => {
    expect(() => validateEvalTestOptions('x', { sandbox: { limits: { memory: 'lots' } } })).toThrowError(
      /`sandbox.limits.memory`.*got `"lots"` \(string\)/,
    )
    expect(() => validateEvalTestOptions('x', { graders: [contains('a'), 'b'] })).toThrowError(
      /`graders.1`.*got `"b"`/,
    )
  })

  test('unknown options are named', () => {
    expect(() => validateEvalTestOptions('x', { timout: 5, task: () => 1 })).toThrowError(
      /unknown option `timout`/,
    )
  })

  test('a non-object is refused with its type', () => {
    expect(() => validateEvalTestOptions('x', 'fast')).toThrowError(
      /expected an options object, got `"fast"` \(string\)/,
    )
  })

  test('rows must have an input; the row index is part of the path', () => {
    expect(() => validateDescribeEvalOptions('set', { data: [{ input: 1 }, { name: 'two' }] })).toThrowError(
      /describeEval\("set"\): `data.1.input` is required, got `undefined`/,
    )
    expect(() =>
      validateDescribeEvalOptions('set', { data: [{ input: 1 }, { input: null, name: 'two' }] }),
    ).not.toThrow()
    expect(() => validateRows('set', [{ input: 1 }, { input: 2, name: '' }])).toThrowError(/`data.1.name`/)
    expect(() => validateDescribeEvalOptions('set', { data: 'rows.json' })).toThrowError(
      /describeEval\("set"\): `data`/,
    )
  })

  test('valid options pass through unchanged', () => {
    const task = () => 'ok'
    const options = { task, repeats: 3, threshold: 0.5, tier: 'llm-judge', sandbox: 'local' as const }
    expect(validateEvalTestOptions('x', options)).toBe(options)
  })

  test('a tier must be file-name safe', () => {
    expect(() => validateEvalTestOptions('x', { tier: 'e2e/slow' })).toThrowError(/`tier`.*"e2e\/slow"/)
  })
})
