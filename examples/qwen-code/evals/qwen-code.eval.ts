import { agents, evalTest, graders } from 'evalbox'
import { QWEN_PRICES } from '../prices.ts'

// Qwen Code (`qwen --output-format stream-json`), in the agent image
// (scripts/build-agent-image.sh), with no network: its OpenAI-compatible calls go through the
// run's gateway. Without OPENAI_API_KEY they are answered from the cassette in
// evals/__cassettes__/qwen-code/ (see the README).
evalTest('Qwen Code fixes countWords()', {
  sandbox: { provider: 'docker', image: 'evalbox-agents:latest', workspace: 'fixture' },
  prompt: 'The tests in test/words.test.js fail. Fix the bug in src/words.js without changing the tests.',
  // Qwen Code reports tokens but no cost: evalbox prices them.
  agent: agents.qwenCode({ maxTurns: 15, maxCostUsd: 2, timeoutMs: 300_000, pricing: QWEN_PRICES }),
  graders: [graders.unitTests({ framework: 'node' })],
  timeout: 600_000,
})
