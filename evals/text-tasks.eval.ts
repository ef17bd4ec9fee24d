import { describeEval, evalTest, graders } from 'evalbox'
import { z } from 'zod'

// A deterministic stand-in for an LLM feature: it extracts a city and country from a
// sentence. The evals below grade it the way a model-backed feature would be graded.
function extractPlace(sentence: string): { city: string; country: string } | null {
  const match = /in ([A-Z][a-z]+), ([A-Z][a-z]+)/.exec(sentence)
  return match ? { city: match[1]!, country: match[2]! } : null
}

describeEval('extracts places', {
  data: [
    { input: 'We met in Paris, France last spring.', expected: { city: 'Paris', country: 'France' } },
    { input: 'The office is in Lisbon, Portugal.', expected: { city: 'Lisbon', country: 'Portugal' } },
    { input: 'She was born in Kyoto, Japan.', expected: { city: 'Kyoto', country: 'Japan' } },
  ],
  task: (input) => extractPlace(input),
  graders: [graders.equals(), graders.jsonSchema(z.object({ city: z.string(), country: z.string() }))],
})

evalTest('names the capital', {
  task: () => 'The capital of France is Paris.',
  graders: [graders.contains('Paris'), graders.matches(/capital/i)],
})
