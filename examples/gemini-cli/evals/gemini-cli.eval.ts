import { agents, evalTest, graders } from 'evalbox'

// Gemini CLI (`gemini --output-format stream-json`), in the agent image
// (scripts/build-agent-image.sh), with no network: its model calls go through the run's
// gateway. Without GEMINI_API_KEY they are answered from the cassette in
// evals/__cassettes__/gemini-cli/ (see the README).
evalTest('Gemini CLI fixes initials()', {
  sandbox: { provider: 'docker', image: 'evalbox-agents:latest', workspace: 'fixture' },
  prompt:
    'The tests in test/initials.test.js fail. Fix the bug in src/initials.js without changing the tests.',
  agent: agents.geminiCli({ maxTurns: 15, maxCostUsd: 2, timeoutMs: 300_000 }),
  graders: [graders.unitTests({ framework: 'node' })],
  timeout: 600_000,
})
