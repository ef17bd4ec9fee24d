import { evalTest, type Grade, graders } from 'evalbox'

// graders.fileBackedContext runs the bench on the host: no agent, no sandbox, no model. Each
// fixture hides one detail in a large output; the grade passes when every detail comes back.

evalTest('artifacts bring back every hidden detail', {
  graders: [graders.fileBackedContext({ fixtures: 'fixtures' })],
})

evalTest('one fixture on its own', {
  graders: [graders.fileBackedContext({ fixture: 'fixtures/long-command-output.json' })],
})

// The ablation: the same output kept inline and cut to an 8,000-token budget (head and tail
// kept) loses a detail from the middle of the build log, so this grade must fail.
evalTest(
  'without artifacts, a detail from the middle is lost',
  {
    // This case checks the grader: `graders.not` passes only when the inline mode fails.
    graders: [
      graders.not(
        graders.fileBackedContext({ fixture: 'fixtures/long-command-output.json', artifacts: false }),
      ),
    ],
  },
  async (ctx) => {
    // The body checks how it failed: `metadata.inner` holds the fileBackedContext grade.
    const { grades } = await ctx.grade()
    const inline = grades[0]!.metadata?.inner as Grade
    ctx.expect(inline).not.toPassGrader()
    ctx.expect(inline.explanation).toContain('missed long-command-output (cut from the context)')
  },
)
