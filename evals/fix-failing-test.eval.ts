import { agents, evalTest, graders } from 'evalbox'

// The core loop end to end: a scripted agent fixes a planted failing test inside a sandbox
// (Docker when an engine answers, since the project sets an image; local otherwise), and the
// result entry gets its turns, tool summary, exit reason and patch. The body checks the same
// data the entry is built from.
evalTest(
  'a scripted agent fixes a failing test',
  {
    sandbox: { workspace: 'examples/scripted-fix/fixture' },
    prompt: 'The tests in test/paginate.test.js fail. Fix the bug in src/ without changing the tests.',
    agent: agents.scripted([
      { run: 'node --test' },
      { run: 'cat src/paginate.js' },
      {
        edit: 'src/paginate.js',
        find: 'const start = page * size',
        replace: 'const start = (page - 1) * size',
      },
      { run: 'node --test', expectExit: 0 },
      { finish: 'Fixed paginate(): pages are numbered from 1.' },
    ]),
    graders: [
      graders.unitTests(),
      graders.toolCalls(
        [
          { name: 'Bash', params: { command: 'node --test' } },
          { name: 'Edit', params: { file_path: 'src/paginate.js' } },
          { name: 'Bash', params: { command: 'node --test' } },
        ],
        { ordered: true },
      ),
    ],
  },
  async (ctx) => {
    const forced = process.env.EVALBOX_SANDBOX
    if (forced === 'docker' || forced === 'local') ctx.expect(ctx.sandbox.provider).toBe(forced)

    const run = await ctx.run()
    const agent = run.agent!
    ctx.expect(agent.exitReason).toBe('success')
    ctx.expect(agent.output).toBe('Fixed paginate(): pages are numbered from 1.')
    ctx.expect(agent.metrics?.turns).toBe(5)
    ctx.expect(agent.metrics?.toolSummary).toEqual({ Bash: 3, Edit: 1 })
    ctx.expect(agent.metrics?.lastToolCall).toBe('Bash(node --test)')
    ctx.expect(run.patch?.files).toEqual(['src/paginate.js'])
    ctx.expect(run.patch?.diff).toContain('+  const start = (page - 1) * size')
    ctx.expect(run).toOnlyTouch('src/**')

    const { pass, grades } = await ctx.grade()
    ctx.expect(grades.map((grade) => [grade.name, grade.pass])).toEqual([
      ['unit tests', true],
      ['toolCalls', true],
    ])
    ctx.expect(grades[0]!.explanation).toContain('3 passed, 0 failed')
    ctx.expect(pass).toBe(true)
  },
)
