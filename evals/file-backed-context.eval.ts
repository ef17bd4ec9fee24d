import { evalTest, type Grade, graders } from 'evalbox'

// graders.fileBackedContext on the example fixtures (host only: no sandbox, no model).
const fixtures = 'examples/file-backed-context/fixtures'

evalTest('fileBackedContext: artifacts recover every hidden detail', {
  graders: [graders.fileBackedContext({ fixtures })],
})

// Kept inline and cut to the budget, the detail in the middle of the build log is lost: the
// grade must fail, so `graders.not` passes only then (a grader that passes it fails the run),
// and the body checks how it failed.
evalTest(
  'fileBackedContext: the inline mode loses the middle of a long log',
  {
    graders: [
      graders.not(
        graders.fileBackedContext({ fixture: `${fixtures}/long-command-output.json`, artifacts: false }),
      ),
    ],
  },
  async (ctx) => {
    const { grades } = await ctx.grade()
    const inline = grades[0]!.metadata?.inner as Grade
    ctx.expect(inline).not.toPassGrader()
    ctx.expect(inline.score).toBe(0)
    ctx.expect(inline.explanation).toContain('missed long-command-output (cut from the context)')
  },
)
