import { agents, evalTest, graders } from 'evalbox'

// opencode (`opencode run --format json`), in the agent image (scripts/build-agent-image.sh),
// with no network: evalbox points it at the run's gateway as an OpenAI-compatible provider.
// Without OPENAI_API_KEY its calls are answered from the cassette in
// evals/__cassettes__/opencode/ (see the README).
evalTest('opencode fixes average()', {
  sandbox: { provider: 'docker', image: 'evalbox-agents:latest', workspace: 'fixture' },
  prompt: 'The tests in test/average.test.js fail. Fix the bug in src/average.js without changing the tests.',
  agent: agents.opencode({ maxTurns: 15, maxCostUsd: 2, timeoutMs: 300_000 }),
  graders: [graders.unitTests({ framework: 'node' })],
  timeout: 600_000,
})
