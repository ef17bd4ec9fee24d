import { describe, expect, test } from 'vitest'
import { EvalboxError } from '../core/errors.ts'
import { plantBugs } from '../datasets/plant/plant-bugs.ts'
import { defineGrader, graders } from './index.ts'

/** The error a definition throws: a `GRADER_CONFIG` EvalboxError. */
function refusal(define: () => unknown): string {
  try {
    define()
  } catch (error) {
    expect(error).toBeInstanceOf(EvalboxError)
    expect((error as EvalboxError).code).toBe('GRADER_CONFIG')
    return (error as Error).message
  }
  throw new Error('the definition was accepted')
}

const truth = {
  bugs: [{ id: 'b1', file: 'a.js', lines: [1, 2], description: 'off by one', keywords: ['off'] }],
  minimum_detection: 1,
  max_false_positives: 0,
}

describe('grader options are validated when the grader is made', () => {
  // [factory call with a misspelled key, the message it must give]
  const misspelled: Array<[string, () => unknown, RegExp]> = [
    [
      'contains',
      () => graders.contains('a', { ignorecase: true } as never),
      /`ignorecase`.*did you mean `ignoreCase`\?/,
    ],
    [
      'equals',
      () => graders.equals('a', { normaliseWhitespace: false } as never),
      /did you mean `normalizeWhitespace`\?/,
    ],
    [
      'command',
      () => graders.command('npm test', { timeout: 5 } as never),
      /`timeout`.*did you mean `timeoutMs`\?/,
    ],
    [
      'unitTests',
      () => graders.unitTests({ failToPas: ['t'] } as never),
      /`failToPas`.*did you mean `failToPass`\?/,
    ],
    [
      'plantedBugs',
      () => graders.plantedBugs({ groundTruth: truth, lineTolerence: 1 } as never),
      /did you mean `lineTolerance`\?/,
    ],
    [
      'llmJudge',
      () => graders.llmJudge({ rubric: 'r', treshold: 3 } as never),
      /`treshold`.*did you mean `threshold`\?/,
    ],
    [
      'toolCalls',
      () => graders.toolCalls(['Read'], { orderd: true } as never),
      /`orderd`.*did you mean `ordered`\?/,
    ],
    [
      'fileBackedContext',
      () => graders.fileBackedContext({ fixtures: 'd', pagelines: 5 } as never),
      /did you mean `pageLines`\?/,
    ],
    [
      'not',
      () => graders.not(graders.contains('a'), { nmae: 'x' } as never),
      /`nmae`.*did you mean `name`\?/,
    ],
    [
      'defineGrader',
      () => defineGrader('g', () => true, { passat: 0.5 } as never),
      /`passat`.*did you mean `passAt`\?/,
    ],
  ]
  test.each(misspelled)('%s: a misspelled key gets a did-you-mean', (name, define, message) => {
    const text = refusal(define)
    expect(text).toMatch(new RegExp(`^(graders\\.)?${name}\\(\\): unknown option`))
    expect(text).toMatch(message)
  })

  const badValues: Array<[string, () => unknown, RegExp]> = [
    ['contains', () => graders.contains([]), /`needle` must not be empty, got `\[\]` \(array\)/],
    [
      'matches',
      () => graders.matches('a' as never),
      /`pattern` must be a RegExp, such as \/fixed\/i, got `"a"` \(string\)/,
    ],
    [
      'equals',
      () => graders.equals('a', { normalizeWhitespace: 'yes' as never }),
      /`normalizeWhitespace` must be a boolean, got `"yes"`/,
    ],
    [
      'jsonSchema',
      () => graders.jsonSchema({ '~standard': { validate: () => ({ value: 1 }) } } as never, ''),
      /`name` must not be empty/,
    ],
    [
      'command',
      () => graders.command('npm test', { exitCode: 0.5 }),
      /`exitCode` must be an integer, got `0\.5`/,
    ],
    [
      'unitTests',
      () => graders.unitTests({ framework: 'pytset' as never }),
      /`framework` must be .*\(did you mean "pytest"\?\), got `"pytset"`/,
    ],
    [
      'plantedBugs',
      () => graders.plantedBugs({ groundTruth: truth, judge: 'llms' as never }),
      /`judge` must be "match" or "llm" \(did you mean "llm"\?\)/,
    ],
    [
      'llmJudge',
      () => graders.llmJudge({ rubric: 'r', scale: [1] as never }),
      /`scale` must be \[lowest, highest\], such as \[1, 5\], got `\[1\]`/,
    ],
    [
      'toolCalls',
      () => graders.toolCalls([{ name: 'Bash', parms: {} }] as never),
      /unknown option `expected\[0\]\.parms`.*did you mean `params`\?/,
    ],
    [
      'fileBackedContext',
      () => graders.fileBackedContext({ fixture: 'a.json', inlineBudgetTokens: 0 }),
      /`inlineBudgetTokens` must be greater than 0, got `0`/,
    ],
    [
      'not',
      () => graders.not('contains' as never),
      /`grader` must be a grader \(made with graders\.\* or defineGrader\), got `"contains"`/,
    ],
    [
      'defineGrader',
      () => defineGrader('g', () => true, { passAt: 2 }),
      /`passAt` must be at most 1, got `2`/,
    ],
  ]
  test.each(badValues)('%s: a bad value is named with what is expected', (_name, define, message) => {
    expect(refusal(define)).toMatch(message)
  })

  test('plantBugs (a case generator): a misspelled key is refused before any file is read', async () => {
    await expect(plantBugs('no-such-fixture', { out: 'x', cout: 3 } as never)).rejects.toThrow(
      /^plantBugs\(\): unknown option `cout`, given `3` \(number\): did you mean `count`\?/,
    )
  })
})
