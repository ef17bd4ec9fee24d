import { agents, evalTest, graders } from 'evalbox'

// Claude Code in print mode, in the agent image (scripts/build-agent-image.sh), with no
// network: its model calls go through the run's gateway. Without ANTHROPIC_API_KEY they are
// answered from the cassette in evals/__cassettes__/claude-code/ (see the README).
evalTest(
  'Claude Code fixes range()',
  {
    sandbox: { provider: 'docker', image: 'evalbox-agents:latest', workspace: 'fixture' },
    prompt: 'The tests in test/range.test.js fail. Fix the bug in src/range.js without changing the tests.',
    agent: agents.claudeCode({ maxTurns: 15, maxCostUsd: 2, timeoutMs: 300_000 }),
    graders: [graders.unitTests({ framework: 'node' })],
    timeout: 600_000,
  },
  async (ctx) => {
    const run = await ctx.run()
    ctx.expect(run.agent?.exitReason).toBe('success')
    ctx.expect(run).toOnlyTouch('src/**')
    ctx.expect(run).toUseAtMostTurns(15)
    ctx.expect(run).toCostLessThan(2)
  },
)
