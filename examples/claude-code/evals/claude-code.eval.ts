import { agents, evalTest, graders } from 'evalbox'
import { test } from 'vitest'

const name = 'Claude Code fixes range()'

// Claude Code in print mode, inside a Docker sandbox built from image/Dockerfile. Its
// stream-json transcript gives turns, tools and cost; `maxTurns` and `maxCostUsd` stop it.
const claude = agents.claudeCode({ maxTurns: 15, maxCostUsd: 0.5 })

if (!process.env.ANTHROPIC_API_KEY) {
  // Recorded as skipped, with this reason, under `not_run` in the result file.
  test(name, (ctx) => ctx.skip('ANTHROPIC_API_KEY is not set: this eval calls the Anthropic API'))
} else {
  evalTest(
    name,
    {
      sandbox: {
        provider: 'docker',
        workspace: 'fixture',
        build: { context: 'image' },
        // Claude Code talks to the API, so this sandbox needs a network (the default is none).
        network: 'bridge',
        limits: { memory: '2g', cpus: 2 },
      },
      prompt: 'The tests in test/range.test.js fail. Fix the bug in src/range.js without changing the tests.',
      agent: claude,
      timeout: 600_000,
      graders: [
        graders.unitTests(),
        graders.toolCalls([{ name: 'Edit', params: { file_path: 'src/range.js' } }], {
          name: 'edits range.js',
        }),
      ],
    },
    async (ctx) => {
      const run = await ctx.run()
      ctx.expect(run.agent?.exitReason).toBe('success')
      ctx.expect(run).toOnlyTouch('src/**')
      ctx.expect(run).toUseAtMostTurns(15)
      ctx.expect(run).toCostLessThan(0.5)
    },
  )
}
