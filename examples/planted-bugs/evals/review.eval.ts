import {
  agents,
  describeEval,
  evalTest,
  type FunctionStep,
  type Grade,
  type GraderContext,
  graders,
} from 'evalbox'
import { type PlantedCase, plantBugs } from 'evalbox/datasets'

// Plant bugs in a clean fixture whose tests pass: each case is a copy of `fixture/` with one
// bug the tests catch, plus its answer key (`ground-truth.json`) kept outside the workspace.
// Same seed, same cases; look at them in .evals/planted-cases/.
const cases = await plantBugs('fixture', { out: '.evals/planted-cases', count: 3, seed: 1 })

const prompt =
  'Review the code in this folder for bugs. Write each finding to review.md as `file:line — what is wrong`.'

/** The findings a perfect reviewer would write: every planted bug, with file, line and why. */
function perfectReview(planted: PlantedCase): string {
  return planted.groundTruth.bugs
    .map((bug) => `- ${bug.file}:${bug.lines[0]} — ${bug.description}; the tests catch it.`)
    .join('\n')
}

// A data row cannot choose the sandbox's workspace, so the reviewer copies its case in first.
const copyCase: FunctionStep = ({ sandbox, input }) => sandbox.copyIn((input as PlantedCase).workspace, '.')

// A stand-in for a model reviewer: it reads the code and runs the tests like one would, but
// its findings come from the answer key, so it shows what a perfect review scores. Put
// agents.claudeCode() here to measure a real one.
const reviewer = agents.scripted([
  copyCase,
  { run: 'node --test' },
  async ({ sandbox, input }) => sandbox.writeFile('review.md', perfectReview(input as PlantedCase)),
  { finish: 'Findings are in review.md.' },
])

const groundTruth = (ctx: GraderContext) => (ctx.input as PlantedCase).groundTruthPath

describeEval('finds the planted bug', {
  data: cases.map((planted) => ({ input: planted, name: planted.id })),
  prompt,
  agent: reviewer,
  // Passes when the review detects enough bugs (by file and line, or file and keywords),
  // with few false positives and evidence quality ≥ 2 of 3.
  graders: [graders.plantedBugs({ groundTruth, report: { file: 'review.md' } })],
})

evalTest(
  'a vague review is not enough',
  {
    input: cases[0],
    prompt,
    agent: agents.scripted([
      copyCase,
      { write: 'review.md', content: 'Looks fine overall. Maybe add more tests.\n' },
      { finish: 'Findings are in review.md.' },
    ]),
    // This case checks the grader: `graders.not` passes only when it fails a review that
    // finds nothing.
    graders: [graders.not(graders.plantedBugs({ groundTruth, report: { file: 'review.md' } }))],
  },
  async (ctx) => {
    // The body checks how it failed: `metadata.inner` holds the plantedBugs grade.
    const { grades } = await ctx.grade()
    const review = grades[0]!.metadata?.inner as Grade
    ctx.expect(review).not.toPassGrader()
    ctx.expect(review.explanation).toMatch(/^detected 0\/1 planted bugs/)
  },
)
