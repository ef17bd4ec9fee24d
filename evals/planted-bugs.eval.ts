import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { agents, describeEval, evalTest, type Grade, type GraderContext, graders } from 'evalbox'
import { type PlantedCase, plantBugs } from 'evalbox/datasets'
import { afterAll } from 'vitest'

// plantBugs + graders.plantedBugs on the example fixture. A review that finds the bug passes;
// reviews that find nothing, or only wrong things, must fail: those cases grade with
// `graders.not`, so a grader that lets them through fails the run, and their bodies check
// how the inner grade failed.

const out = mkdtempSync(join(tmpdir(), 'evalbox-planted-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))
const cases = await plantBugs('examples/planted-bugs/fixture', { out, count: 2, seed: 7 })

const groundTruth = (ctx: GraderContext) => (ctx.input as PlantedCase).groundTruthPath
/** The grade `graders.not` negated. */
const inner = (grade: Grade) => grade.metadata?.inner as Grade

function review(planted: PlantedCase): string {
  return planted.groundTruth.bugs
    .map((bug) => `- ${bug.file}:${bug.lines[0]} — ${bug.description}; the tests catch this.`)
    .join('\n')
}

describeEval('plantedBugs: a review citing the bug passes', {
  data: cases.map((planted) => ({ input: planted, name: planted.id })),
  agent: agents.scripted([
    ({ sandbox, input }) => sandbox.copyIn((input as PlantedCase).workspace, '.'),
    async ({ sandbox, input }) => sandbox.writeFile('review.md', review(input as PlantedCase)),
    { finish: 'Findings are in review.md.' },
  ]),
  prompt: 'Review this code; write findings to review.md.',
  graders: [graders.plantedBugs({ groundTruth, report: { file: 'review.md' } })],
})

evalTest(
  'plantedBugs: a review that finds nothing fails',
  {
    input: cases[0],
    task: () => 'I read every file. The code looks correct and well tested.',
    graders: [graders.not(graders.plantedBugs({ groundTruth }))],
  },
  async (ctx) => {
    const { grades } = await ctx.grade()
    const grade = inner(grades[0]!)
    ctx.expect(grade).not.toPassGrader()
    ctx.expect(grade.score).toBe(0)
    ctx.expect(grade.explanation).toMatch(/^detected 0\/1 planted bugs; missed /)
    ctx.expect(grade.metadata?.entry).toMatchObject({ detection_rate: 0, detected_bugs: [] })
  },
)

evalTest(
  'plantedBugs: a review of wrong places fails',
  {
    input: cases[0],
    // Findings that cite places where no bug was planted are false positives.
    task: () =>
      [
        '- src/cart.js:12 — the total ignores the discount, so customers are charged full price.',
        '- src/auth.js:40 — the token is compared with ==, which lets an empty token through.',
        '- src/payments.js:7 — the retry loop never ends when the gateway keeps timing out.',
      ].join('\n'),
    graders: [graders.not(graders.plantedBugs({ groundTruth }))],
  },
  async (ctx) => {
    const { grades } = await ctx.grade()
    const grade = inner(grades[0]!)
    ctx.expect(grade).not.toPassGrader()
    ctx.expect(grade.explanation).toContain('detected 0/1 planted bugs')
    ctx.expect(grade.explanation).toContain('3 false positives')
    ctx.expect(grade.explanation).toContain('needs ≥ 1 detected, ≤ 2 false positives')
  },
)
