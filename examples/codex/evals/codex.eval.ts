import { agents, evalTest, graders } from 'evalbox'

// Codex (`codex exec --json`), in the agent image (scripts/build-agent-image.sh), with no
// network: its model calls go through the run's gateway. Without OPENAI_API_KEY they are
// answered from the cassette in evals/__cassettes__/codex/ (see the README).
evalTest('Codex fixes clamp()', {
  sandbox: { provider: 'docker', image: 'evalbox-agents:latest', workspace: 'fixture' },
  prompt: 'The tests in test/clamp.test.js fail. Fix the bug in src/clamp.js without changing the tests.',
  agent: agents.codex({ maxTurns: 15, maxCostUsd: 2, timeoutMs: 300_000 }),
  graders: [graders.unitTests({ framework: 'node' })],
  timeout: 600_000,
})
