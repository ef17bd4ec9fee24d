import type { GraderContext } from './types.ts'

/**
 * A grader context for tests: the given output, no agent, no sandbox (asking for one
 * throws), and overrides for anything else.
 */
export function graderContext(output: string, overrides: Partial<GraderContext> = {}): GraderContext {
  return {
    input: undefined,
    output,
    value: output,
    expected: undefined,
    agent: undefined,
    workspace: undefined,
    patch: undefined,
    signal: new AbortController().signal,
    keep: async () => undefined,
    openSandbox: async () => {
      throw new Error('no sandbox in this test')
    },
    get sandbox(): never {
      throw new Error('no sandbox in this test')
    },
    ...overrides,
  }
}
