import { describe, expect, test } from 'vitest'
import { createModelClient } from '../models/index.ts'
import { llmJudge } from './llm-judge.ts'
import { graderContext, useFakeJudge } from './test-support.ts'

const judge = useFakeJudge()
const model = judge.model
const reply = (scores: Record<string, unknown>, reasoning = 'clear and correct') => ({
  text: `Here you go:\n\`\`\`json\n${JSON.stringify({ scores, reasoning })}\n\`\`\``,
  usage: { input: 2000, output: 200 },
})

describe('llmJudge', () => {
  test('scores the mean of the criteria on 0..1, passes at the threshold, and lifts judge fields', async () => {
    judge.server.enqueue(reply({ correctness: 5, clarity: 3 }))
    const grader = llmJudge({
      rubric: 'Explains why the loop reads past the end.',
      criteria: { correctness: 'the cause is right', clarity: 'easy to follow' },
      threshold: 4,
      model: model(false),
    })
    const grade = await grader(
      graderContext('The `<=` lets i reach length.', { input: 'Why does it crash?', expected: 'off-by-one' }),
    )
    expect(grade).toMatchObject({ score: 0.75, pass: true })
    expect(grade.metadata?.entry).toEqual({
      judge_scores: { correctness: 5, clarity: 3 },
      judge_reasoning: 'clear and correct',
    })
    expect(grade.metadata?.costUsd).toBeCloseTo((2000 * 1 + 200 * 5) / 1e6)
    expect(grade.metadata?.cached).toBe(false)
    expect(grade.explanation).toContain('correctness 5, clarity 3 on [1, 5] (passes at 4)')
    const request = judge.server.requests.at(-1)!.body as { system: string; messages: { content: string }[] }
    expect(request.system).toContain('"correctness": <number>')
    const prompt = request.messages[0]!.content
    for (const part of [
      'reads past the end',
      '- clarity: easy to follow',
      '<input>\nWhy does it crash?',
      '<expected>\noff-by-one',
      'reach length',
    ])
      expect(prompt).toContain(part)

    judge.server.enqueue(reply({ correctness: 3, clarity: 2 }))
    const low = await grader(graderContext('It is fine.'))
    expect(low).toMatchObject({ score: 0.375, pass: false })
  })

  test('the default threshold is the middle of the scale', async () => {
    judge.server.enqueue(reply({ overall: 3 }), reply({ overall: 2 }))
    const grader = llmJudge({ rubric: 'Polite.', model: model(false) })
    expect((await grader(graderContext('a'))).pass).toBe(true)
    expect((await grader(graderContext('b'))).pass).toBe(false)
  })

  test('a cached answer costs nothing and is marked', async () => {
    judge.server.enqueue(reply({ overall: 4 }))
    const grader = llmJudge({ rubric: 'Cache me.', model: model() })
    const first = await grader(graderContext('same output'))
    const before = judge.server.requests.length
    const second = await grader(graderContext('same output'))
    expect(judge.server.requests.length).toBe(before)
    expect(second.score).toBe(first.score)
    expect(second.metadata).toMatchObject({ costUsd: 0, cached: true })
    expect(first.metadata).toMatchObject({ cached: false })
  })

  test('an unusable answer is asked again once, then the grade is unscored', async () => {
    judge.server.enqueue({ text: 'Looks great!' }, reply({ overall: 4 }))
    const grader = llmJudge({ rubric: 'Retry.', model: model(false) })
    expect(await grader(graderContext('x'))).toMatchObject({ score: 0.75, pass: true })
    judge.server.enqueue({ text: 'still no JSON' }, reply({ overall: 9 }))
    const grade = await grader(graderContext('y'))
    expect(grade).toMatchObject({ score: null, pass: false })
    expect(grade.explanation).toContain('`scores.overall` must be a number from 1 to 5, got `9` (number)')
  })

  test('confirm: a failing verdict is re-judged, and a pass on re-judgement passes', async () => {
    judge.server.enqueue(reply({ overall: 2 }, 'misses the point'), reply({ overall: 4 }, 'answers it'))
    const before = judge.server.requests.length
    const grade = await llmJudge({ rubric: 'Confirm me.', confirm: true, model: model(false) })(
      graderContext('c'),
    )
    expect(judge.server.requests.length - before).toBe(2)
    expect(grade).toMatchObject({ pass: true, score: 0.75 })
    expect(grade.metadata?.votes).toMatchObject([
      { round: 1, pass: false, reasoning: 'misses the point', verdict: { scores: { overall: 2 } } },
      { round: 2, pass: true, reasoning: 'answers it', verdict: { scores: { overall: 4 } } },
    ])
    expect(grade.metadata?.entry).toMatchObject({ judge_reasoning: 'answers it' })
    expect(grade.metadata?.costUsd).toBeCloseTo((2 * (2000 * 1 + 200 * 5)) / 1e6, 9)
    expect(grade.metadata?.tokens).toEqual({ input: 4000, output: 400 })
    expect(grade.explanation).toContain('the failing verdict was not confirmed')
    const second = judge.server.requests.at(-1)!.body as { system: string }
    expect(second.system).toContain('Independent judgement 2')

    // A confirmed fail fails; a first pass is never re-judged.
    judge.server.enqueue(reply({ overall: 1 }), reply({ overall: 2 }), reply({ overall: 5 }))
    const grader = llmJudge({ rubric: 'Confirm me again.', confirm: true, model: model(false) })
    const fail = await grader(graderContext('d'))
    expect(fail.pass).toBe(false)
    expect(fail.explanation).toContain('the fail was confirmed')
    const passed = await grader(graderContext('e'))
    expect(passed.pass).toBe(true)
    expect(passed.metadata?.votes).toHaveLength(1)
  })

  test('votes: 3 over the OpenAI protocol: the 2–1 majority decides, every vote and its cost recorded', async () => {
    const openai = createModelClient({
      provider: 'openai',
      model: 'gpt-6.1-terra',
      baseUrl: judge.server.url,
      apiKey: 'sk-test',
      cache: false,
      env: {},
    })
    judge.server.enqueue(
      reply({ overall: 4 }, 'yes'),
      reply({ overall: 1 }, 'no'),
      reply({ overall: 5 }, 'yes!'),
    )
    const grade = await llmJudge({ rubric: 'Vote.', votes: 3, model: openai })(graderContext('v'))
    expect(grade.pass).toBe(true)
    const votes = grade.metadata!.votes as { pass: boolean; reasoning: string; costUsd: number }[]
    expect(votes.map((v) => [v.pass, v.reasoning])).toEqual([
      [true, 'yes'],
      [false, 'no'],
      [true, 'yes!'],
    ])
    // gpt-6.1-terra: $1 in, $5 out per million tokens.
    for (const vote of votes) expect(vote.costUsd).toBeCloseTo((2000 * 1 + 200 * 5) / 1e6, 9)
    expect(grade.metadata?.costUsd).toBeCloseTo(
      votes.reduce((sum, v) => sum + v.costUsd, 0),
      9,
    )
    expect(grade.explanation).toContain('3 judgements: 2 pass, 1 fail')
    expect(grade.metadata?.entry).toMatchObject({ judge_scores: { overall: 4 } })

    // A settled majority asks no more.
    judge.server.enqueue(reply({ overall: 1 }), reply({ overall: 2 }))
    const before = judge.server.requests.length
    const fail = await llmJudge({ rubric: 'Vote again.', votes: 3, model: openai })(graderContext('w'))
    expect(judge.server.requests.length - before).toBe(2)
    expect(fail.pass).toBe(false)
  })

  test('rejects bad options, naming the field', () => {
    expect(() => llmJudge({ rubric: 'r', votes: 2 })).toThrow(/`votes` must be an odd number/)
    expect(() => llmJudge({ rubric: 'r', votes: 0 })).toThrow(/`votes`/)
    // @ts-expect-error confirm is a boolean
    expect(() => llmJudge({ rubric: 'r', confirm: 'yes' })).toThrow(/`confirm` must be a boolean/)
    expect(() => llmJudge({ rubric: '' })).toThrow(/`rubric`/)
    expect(() => llmJudge({ rubric: 'r', scale: [5, 1] })).toThrow(/`scale`/)
    expect(() => llmJudge({ rubric: 'r', threshold: 0.8 })).toThrow(
      /`threshold` to be a score on the scale \[1, 5\]/,
    )
    expect(() => llmJudge({ rubric: 'r', criteria: [] })).toThrow(/`criteria`/)
  })
})
