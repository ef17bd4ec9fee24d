import { describe, expect, test } from 'vitest'
import * as z from 'zod'
import { check, closest, describeValue, formatPath, parseOptions } from './validate.ts'

class Refused extends Error {}
const source = { api: 'thing()', error: (message: string) => new Refused(message) }

const schema = z.strictObject({
  name: z.string().min(1).optional(),
  timeout: z.number().int().positive().optional(),
  mode: z.enum(['fast', 'slow']).optional(),
  box: z
    .union([
      z.enum(['auto', 'local']),
      z.strictObject({ image: z.string(), limits: z.strictObject({ memory: z.string() }).optional() }),
    ])
    .optional(),
  list: z.array(z.string().startsWith('/')).optional(),
})

function message(value: unknown): string {
  try {
    parseOptions(schema, value, source)
  } catch (error) {
    expect(error).toBeInstanceOf(Refused)
    return (error as Error).message
  }
  throw new Error('no error')
}

describe('parseOptions', () => {
  test('returns the parsed options when they are valid', () => {
    expect(parseOptions(schema, { name: 'a', box: 'auto' }, source)).toEqual({ name: 'a', box: 'auto' })
  })

  test('an unknown key is named with its value and the closest known key, at any depth', () => {
    expect(message({ timout: 5 })).toBe(
      'thing(): unknown option `timout`, given `5` (number): did you mean `timeout`? Fix the options passed to thing().',
    )
    expect(message({ box: { imgae: 'x' } })).toBe(
      'thing(): unknown option `box.imgae`, given `"x"` (string): did you mean `image`? Fix the options passed to thing().',
    )
    expect(message({ box: { image: 'x', limits: { memroy: '1g' } } })).toMatch(
      /unknown option `box\.limits\.memroy`.*did you mean `memory`\?/,
    )
  })

  test('an unknown key nothing is close to lists the known keys', () => {
    expect(message({ zzzzzz: 1 })).toMatch(
      /unknown option `zzzzzz`, given `1` \(number\) \(known: `name`, `timeout`, `mode`, `box`, `list`\)\./,
    )
  })

  test('bad values name the path, what is expected and the value', () => {
    expect(message({ timeout: -5 })).toBe(
      'thing(): `timeout` must be greater than 0, got `-5` (number). Fix the options passed to thing().',
    )
    expect(message({ timeout: 1.5 })).toMatch(/`timeout` must be an integer, got `1\.5` \(number\)/)
    expect(message({ name: 3 })).toMatch(/`name` must be a string, got `3` \(number\)/)
    expect(message({ name: '' })).toMatch(/`name` must not be empty, got `""` \(string\)/)
    expect(message({ list: ['/a', 'b'] })).toMatch(/`list\[1\]` must start with "\/", got `"b"`/)
    expect(message('fast')).toMatch(/thing\(\): expected an options object, got `"fast"` \(string\)/)
  })

  test('an enum names its values and the closest one', () => {
    expect(message({ mode: 'fsat' })).toMatch(
      /`mode` must be "fast" or "slow" \(did you mean "fast"\?\), got `"fsat"`/,
    )
  })

  test('a union reports the branch the value was meant for', () => {
    expect(message({ box: 'locl' })).toMatch(/`box` must be "auto" or "local" \(did you mean "local"\?\)/)
    expect(message({ box: { image: 1 } })).toMatch(/`box\.image` must be a string, got `1` \(number\)/)
    expect(message({ box: 5 })).toMatch(/`box` must be "auto", "local" or an object, got `5` \(number\)/)
  })

  test('a missing required key next to its misspelling is named once, by the did-you-mean', () => {
    expect(message({ box: { imgae: 'x' } })).not.toMatch(/`box\.image` is required/)
  })

  test('the fix and a prefix for parts checked on their own are the caller’s', () => {
    expect(() =>
      parseOptions(z.array(z.number()), [1, 'x'], { ...source, prefix: ['data'], fix: 'Fix the rows.' }),
    ).toThrow('thing(): `data[1]` must be a number, got `"x"` (string). Fix the rows.')
  })
})

describe('check (data that is not options)', () => {
  test('gives the data or the worded problem, never throws', () => {
    expect(check(z.object({ a: z.number() }), { a: 1 })).toEqual({ ok: true, data: { a: 1 } })
    expect(check(z.strictObject({ a: z.number() }), { a: 'x', b: 1 })).toEqual({
      ok: false,
      problem: 'unknown key `b`, given `1` (number) (known: `a`); `a` must be a number, got `"x"` (string)',
    })
  })

  test('a message of the schema’s own that names the value is not given the value twice', () => {
    const odd = z.number().refine((n) => n % 2 === 1, { error: (issue) => `must be odd, got ${issue.input}` })
    expect(check(z.object({ n: odd }), { n: 2 })).toEqual({ ok: false, problem: '`n` must be odd, got 2' })
  })
})

describe('helpers', () => {
  test('closest: case ignored, a swap of two letters is one edit, far words get nothing', () => {
    expect(closest('imgae', ['image', 'pull'])).toBe('image')
    expect(closest('TIMEOUT', ['timeout'])).toBe('timeout')
    expect(closest('xyz', ['image', 'pull'])).toBeUndefined()
  })

  test('formatPath writes paths as code does', () => {
    expect(formatPath(['sandbox', 'limits', 'memory'])).toBe('sandbox.limits.memory')
    expect(formatPath(['graders', 1])).toBe('graders[1]')
    expect(formatPath([])).toBe('(root)')
  })

  test('describeValue quotes strings, names functions and RegExps, cuts long values', () => {
    expect(describeValue('x')).toBe('`"x"` (string)')
    expect(describeValue(function task() {})).toBe('`[function task]` (function)')
    expect(describeValue(/a+/g)).toBe('`/a+/g` (object)')
    expect(describeValue('y'.repeat(100))).toMatch(/\.\.\.` \(string\)$/)
  })
})
