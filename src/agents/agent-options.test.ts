import { describe, expect, test } from 'vitest'
import { EvalboxError } from '../core/errors.ts'
import { claudeCode, claudeCodeCommand } from './claude-code.ts'
import { cliAgent } from './cli-agent.ts'
import { scripted } from './scripted-agent.ts'

/** The error a definition throws: an `INVALID_OPTIONS` EvalboxError. */
function refusal(define: () => unknown): string {
  try {
    define()
  } catch (error) {
    expect(error).toBeInstanceOf(EvalboxError)
    expect((error as EvalboxError).code).toBe('INVALID_OPTIONS')
    return (error as Error).message
  }
  throw new Error('the definition was accepted')
}

describe('agent options are validated when the agent is defined', () => {
  test('agents.cli: a misspelled key gets a did-you-mean; a bad value is named with the fix', () => {
    expect(refusal(() => cliAgent({ command: ['a'], maxTurn: 3 } as never))).toBe(
      'agents.cli(): unknown option `maxTurn`, given `3` (number): did you mean `maxTurns`? Fix the options passed to agents.cli().',
    )
    expect(refusal(() => cliAgent({ command: ['a'], maxCostUsd: -1 }))).toMatch(
      /^agents\.cli\(\): `maxCostUsd` must be a positive number of USD, got `-1` \(number\)\./,
    )
    expect(refusal(() => cliAgent({ command: ['a'], env: ['BAD NAME'] }))).toMatch(
      /`env\[0\]` must be an environment variable name such as "ANTHROPIC_API_KEY" \(copied from the host\) or "NAME=value", got `"BAD NAME"`/,
    )
    expect(
      refusal(() =>
        cliAgent({ command: ['a'], pricing: { m: { input: 1, output: 2, cacheread: 1 } } as never }),
      ),
    ).toMatch(/unknown option `pricing\.m\.cacheread`.*did you mean `cacheRead`\?/)
  })

  test('agents.claudeCode: a misspelled key gets a did-you-mean; a bad value is named', () => {
    expect(refusal(() => claudeCode({ alowedTools: ['Read'] } as never))).toMatch(
      /^agents\.claudeCode\(\): unknown option `alowedTools`, given `\["Read"\]` \(array\): did you mean `allowedTools`\?/,
    )
    expect(refusal(() => claudeCode({ permissionMode: 'bypass' as 'plan' }))).toMatch(
      /`permissionMode` must be "default", "acceptEdits", "bypassPermissions", "dontAsk" or "plan", got `"bypass"`/,
    )
    expect(refusal(() => claudeCodeCommand({ promptVia: 'file' as 'arg' }))).toMatch(
      /^claudeCodeCommand\(\): `promptVia` must be "stdin" or "arg", got `"file"`/,
    )
  })

  test('agents.scripted: options and each step are strict', () => {
    expect(refusal(() => scripted([], { modle: 'x' } as never))).toMatch(
      /^agents\.scripted\(\): unknown option `modle`.*did you mean `model`\?/,
    )
    expect(refusal(() => scripted([{ run: 'npm test', expectexit: 0 } as never]))).toMatch(
      /unknown option `steps\[0\]\.expectexit`, given `0` \(number\): did you mean `expectExit`\? Fix the step\./,
    )
    expect(refusal(() => scripted([{ say: 'hi' }, { run: 'x', expectExit: 0.5 }]))).toMatch(
      /`steps\[1\]\.expectExit` must be an integer, got `0\.5` \(number\)/,
    )
  })
})
