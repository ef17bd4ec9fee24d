import { evalTest, type Grade, graders } from 'evalbox'
import { type FakeAnswer, type RecordedRequest, startFakeModelServer } from 'evalbox/testing'
import { afterAll } from 'vitest'

// graders.llmJudge against a fake judge: a real HTTP server on 127.0.0.1 speaking the
// Anthropic API, found by the model client through the environment as a real API would be.
const judge = await startFakeModelServer({ answers: scriptedJudge })
process.env.EVALBOX_MODEL_BASE_URL = judge.url
process.env.EVALBOX_MODEL_API_KEY = 'not-a-real-key'
process.env.EVALBOX_NO_CACHE = '1'
afterAll(() => judge.close())

/** Scores 5 when the output names the off-by-one, 1 otherwise; never answers JSON for "garbled". */
function scriptedJudge(request: RecordedRequest): FakeAnswer {
  const { messages } = request.body as { messages: { content: string }[] }
  const output = /<output>\n([\s\S]*?)\n<\/output>/.exec(messages[0]!.content)?.[1] ?? ''
  if (output.includes('garbled')) return { text: 'I would rate this answer fairly highly.' }
  const score = /off-by-one/.test(output) ? 5 : 1
  return { text: `Here is my verdict:\n{"scores": {"overall": ${score}}, "reasoning": "score ${score}"}` }
}

const rubric = 'Explains why paginate() skips the first page.'
const judged = graders.llmJudge({ rubric, threshold: 4 })

evalTest('llmJudge: a good answer passes', {
  tier: 'llm-judge',
  task: () => 'An off-by-one: page 1 should start at index 0.',
  graders: [judged],
})

// A low score must fail the grade: `graders.not` passes only then (a grader that passes it
// fails the run), and the body checks the verdict and what the judge was asked.
evalTest(
  'llmJudge: a low score fails',
  {
    tier: 'llm-judge',
    task: () => 'The pagination is broken somewhere.',
    graders: [graders.not(judged)],
  },
  async (ctx) => {
    const { grades } = await ctx.grade()
    const grade = grades[0]!.metadata?.inner as Grade
    ctx.expect(grade).not.toPassGrader()
    ctx.expect(grade.score).toBe(0)
    ctx.expect(grade.explanation).toBe('overall 1 on [1, 5] (passes at 4): "score 1"')
    ctx.expect(grade.metadata?.entry).toEqual({ judge_scores: { overall: 1 }, judge_reasoning: 'score 1' })
    const asked = judge.requests.find((request) => request.rawBody.includes('broken somewhere'))
    ctx.expect(asked?.protocol).toBe('anthropic')
    ctx.expect(asked?.rawBody).toContain(rubric)
  },
)
