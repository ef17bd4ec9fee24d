import { evalTest, type Grade, graders } from 'evalbox'
import { type FakeAnswer, type RecordedRequest, startFakeModelServer } from 'evalbox/testing'
import { afterAll } from 'vitest'

// The judge model, offline: a real HTTP server on 127.0.0.1 that speaks the Anthropic
// Messages API and answers from a script. evalbox's model client finds it through the
// environment, as it finds the real API. To judge with Claude instead, delete these lines
// and set ANTHROPIC_API_KEY (and EVALBOX_MODEL to pick the model).
const judge = await startFakeModelServer({ answers: scriptedJudge })
process.env.EVALBOX_MODEL_BASE_URL = judge.url
process.env.EVALBOX_MODEL_API_KEY = 'not-a-real-key'
process.env.EVALBOX_NO_CACHE = '1'
afterAll(() => judge.close())

/** Scores the `<output>` it is shown: 5 for each criterion the answer meets, else 1. */
function scriptedJudge(request: RecordedRequest): FakeAnswer {
  const { messages } = request.body as { messages: { content: string }[] }
  const output = /<output>\n([\s\S]*?)\n<\/output>/.exec(messages[0]!.content)?.[1] ?? ''
  const cause = /off-by-one|0-based/i.test(output) ? 5 : 1
  const fix = output.includes('(page - 1) * size') ? 5 : 1
  const reasoning = `${cause === 5 ? 'Names' : 'Misses'} the cause; ${fix === 5 ? 'gives' : 'lacks'} the fix.`
  return { text: JSON.stringify({ scores: { cause, fix }, reasoning }) }
}

const rubric = 'The answer explains why paginate() fails its tests and how to fix it.'

// One grader for both cases. It asks the judge for a score per criterion on [1, 5] and
// passes when their mean reaches `threshold`. Scores and reasoning land in the result entry
// (`judge_scores`, `judge_reasoning`), the judge's cost in `cost_usd`.
const judged = graders.llmJudge({
  rubric,
  criteria: {
    cause: 'names the cause: pages are numbered from 1, the code treats them as 0-based',
    fix: 'gives the fix: start at (page - 1) * size',
  },
  threshold: 4,
})

// Judged evals cost money with a real judge, so they get a tier (and a result file) of their own.
const tier = 'llm-judge'

evalTest('explains the off-by-one', {
  tier,
  task: () =>
    'paginate() treats page numbers as 0-based, but they start at 1: an off-by-one. ' +
    'Compute the start as (page - 1) * size.',
  graders: [judged],
})

evalTest(
  'a vague answer scores low',
  {
    tier,
    task: () => 'Something is wrong with the pagination. Check the tests.',
    // This case checks the grader: `graders.not` passes only when the judge fails a vague answer.
    graders: [graders.not(judged)],
  },
  async (ctx) => {
    // The body checks how it failed: `metadata.inner` holds the judge's grade.
    const { grades } = await ctx.grade()
    const verdict = grades[0]!.metadata?.inner as Grade
    ctx.expect(verdict).not.toPassGrader()
    ctx.expect(verdict.explanation).toMatch(/^cause 1, fix 1 on \[1, 5\] \(passes at 4\)/)

    // The judge was shown the rubric, the criteria and the output.
    const asked = judge.requests.find((request) => request.rawBody.includes('Check the tests.'))
    ctx.expect(asked?.rawBody).toContain(rubric)
    ctx.expect(asked?.rawBody).toContain('gives the fix')
  },
)
