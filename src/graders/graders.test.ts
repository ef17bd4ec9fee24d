import { describe, expect, test } from 'vitest'
import * as z from 'zod'
import { defineGrader, graders } from './index.ts'
import { graderContext } from './test-support.ts'

const ctx = graderContext

describe('text graders', () => {
  test('contains scores the fraction of needles found and names the missing ones', async () => {
    const grade = await graders.contains(['Paris', 'France', 'Seine'])(ctx('Paris is in France'))
    expect(grade).toMatchObject({ pass: false, score: 2 / 3 })
    expect(grade.explanation).toContain('lacks "Seine"')
    expect((await graders.contains('paris', { ignoreCase: true })(ctx('PARIS'))).pass).toBe(true)
    expect((await graders.contains('paris')(ctx('PARIS'))).pass).toBe(false)
  })

  test('matches reports what matched, or the pattern and the output', async () => {
    expect(await graders.matches(/\d+ tests? passed/)(ctx('ok: 12 tests passed'))).toMatchObject({
      pass: true,
      explanation: 'matched "12 tests passed"',
    })
    const miss = await graders.matches(/^done$/m)(ctx('not yet'))
    expect(miss.pass).toBe(false)
    expect(miss.explanation).toContain('/^done$/m')
  })

  test('equals compares text with whitespace normalised, values deeply, and uses the row by default', async () => {
    expect((await graders.equals('a  b')(ctx(' a b\n'))).pass).toBe(true)
    expect((await graders.equals()(ctx('x', { expected: 'x' }))).pass).toBe(true)
    expect((await graders.equals()(ctx('{"a":1}', { value: { a: 1 }, expected: { a: 1 } }))).pass).toBe(true)
    const diff = await graders.equals({ a: 2 })(ctx('{"a":1}', { value: { a: 1 } }))
    expect(diff.pass).toBe(false)
    expect(diff.explanation).toContain('expected')
  })

  test('jsonSchema accepts a zod schema, parses fenced JSON, and names failing paths', async () => {
    const grader = graders.jsonSchema(z.object({ city: z.string(), population: z.number() }))
    expect((await grader(ctx('```json\n{"city":"Lima","population":10}\n```'))).pass).toBe(true)
    const bad = await grader(ctx('{"city":"Lima","population":"many"}'))
    expect(bad.pass).toBe(false)
    expect(bad.explanation).toContain('population')
    const notJson = await grader(ctx('Lima'))
    expect(notJson.explanation).toContain('not JSON')
    expect((await grader(ctx('', { value: { city: 'Lima', population: 1 } }))).pass).toBe(true)
  })

  test('jsonSchema finds the JSON in a model answer: a fence anywhere, else a {...} or [...] block', async () => {
    const city = graders.jsonSchema(z.object({ city: z.string(), population: z.number() }))
    const answers = [
      'Here you go:\n```json\n{"city":"Lima","population":10}\n```',
      'Sure.\n\n```\n{"city":"Lima","population":10}\n```\nAnything else?',
      '```js\nconst x = {}\n```\nand the data:\n```json\n{"city":"Lima","population":10}\n```',
      'The answer is {"city":"Lima {Peru}","population":10}, I hope that helps.',
      'Result [see below]: {"city":"Lima","population":10}',
    ]
    for (const answer of answers) {
      expect((await city(ctx(answer))).explanation, answer).toBe('output matches the schema')
    }
    // The first block that parses is the answer: a wrong one fails on its fields.
    const wrong = await city(ctx('First {"city":"Lima"} then {"city":"Lima","population":10}'))
    expect(wrong).toMatchObject({ pass: false, explanation: expect.stringContaining('population') })

    const list = graders.jsonSchema(z.array(z.number()))
    expect((await list(ctx('The primes: [2, 3, 5].'))).pass).toBe(true)

    const prose = await city(ctx('Lima has {many} people'))
    expect(prose.pass).toBe(false)
    expect(prose.explanation).toBe(
      'output is not JSON and holds no ```json fence or {...}/[...] block that parses; output: "Lima has {many} people"',
    )
  })

  test('jsonSchema without a Standard Schema is a config error naming what it got', () => {
    const call = (schema: unknown) => () => graders.jsonSchema(schema as never)
    expect(call({ type: 'object' })).toThrow(
      expect.objectContaining({ name: 'EvalboxError', code: 'GRADER_CONFIG' }),
    )
    expect(call({ type: 'object' })).toThrow(
      'needs a Standard Schema (zod 3.24+/4, valibot, arktype...), got `{"type":"object"}` (object)',
    )
    expect(call(undefined)).toThrow('got `undefined` (undefined)')
  })
})

describe('defineGrader', () => {
  test('turns booleans, scores and partial grades into grades', async () => {
    expect(await defineGrader('b', () => true)(ctx(''))).toMatchObject({ name: 'b', score: 1, pass: true })
    expect(await defineGrader('n', () => 0.6, { passAt: 0.5 })(ctx(''))).toMatchObject({
      score: 0.6,
      pass: true,
    })
    expect(await defineGrader('n', () => 0.6)(ctx(''))).toMatchObject({ score: 0.6, pass: false })
    expect(await defineGrader('p', () => ({ pass: false, explanation: 'too long' }))(ctx(''))).toMatchObject({
      score: 0,
      pass: false,
      explanation: 'too long',
    })
  })

  test('an out-of-range score is an error (which the runner turns into an unscored grade)', async () => {
    await expect(defineGrader('bad', () => 7)(ctx(''))).rejects.toThrow(/scores are numbers from 0 to 1/)
  })
})

describe('graders.not', () => {
  test('passes when the inner grader fails, and says so; keeps the inner grade', async () => {
    const grade = await graders.not(graders.contains('Paris'))(ctx('Rome'))
    expect(grade).toMatchObject({ name: 'not(contains("Paris"))', pass: true, score: 1 })
    expect(grade.explanation).toMatch(/^contains\("Paris"\) failed as expected: output lacks "Paris"/)
    expect(grade.metadata?.inner).toMatchObject({ pass: false })
  })

  test('fails when the inner grader passes, and an unscored inner grade stays unscored', async () => {
    const passed = await graders.not(graders.contains('Rome'))(ctx('Rome'))
    expect(passed).toMatchObject({ pass: false, score: 0 })
    expect(passed.explanation).toContain('expected contains("Rome") to fail, but it passed')
    const unscored = defineGrader('judge', () => ({ score: null, pass: false, explanation: 'no model' }))
    expect(await graders.not(unscored)(ctx(''))).toMatchObject({ pass: false, score: null })
  })

  test("carries the inner grade's entry fields and judge cost up, where the result entry reads them", async () => {
    const judged = defineGrader('judge', () => ({
      score: 0.2,
      pass: false,
      explanation: 'overall 1',
      metadata: { entry: { judge_scores: { overall: 1 } }, costUsd: 0.01, raw: 'kept inside' },
    }))
    const grade = await graders.not(judged)(ctx(''))
    expect(grade.metadata).toMatchObject({ entry: { judge_scores: { overall: 1 } }, costUsd: 0.01 })
    expect(grade.metadata?.raw).toBeUndefined()
    expect((await graders.not(graders.contains('x'))(ctx(''))).metadata).not.toHaveProperty('entry')
  })
})
