import { expect } from 'vitest'
import { toContainFile, toCostLessThan, toOnlyTouch, toPassGrader, toUseAtMostTurns } from './matchers.ts'

/** evalbox's matchers, for `expect.extend(evalboxMatchers)`. */
export const evalboxMatchers = { toOnlyTouch, toContainFile, toPassGrader, toCostLessThan, toUseAtMostTurns }

/** Registers evalbox's matchers on Vitest's `expect` (call once, e.g. in a setup file). */
export function setupMatchers(): void {
  expect.extend(evalboxMatchers)
}

/** The matchers as they read on `expect(...)`. */
export interface EvalboxMatchers<R = void> {
  /** Every file the patch (or entry, or run) changed matches one of the globs. */
  toOnlyTouch(globs: string | readonly string[]): R
  /** The sandbox has the file; with `content`, its text contains it (string) or matches it (RegExp). Await it. */
  toContainFile(path: string, content?: string | RegExp): Promise<R>
  /** The Grade passes, or every grade of the GradeSummary does. */
  toPassGrader(): R
  /** The entry's, agent result's or run's cost in USD is below `usd`. */
  toCostLessThan(usd: number): R
  /** The entry, agent result or run used at most `turns` turns. */
  toUseAtMostTurns(turns: number): R
}

declare module 'vitest' {
  // No type parameters: Vitest 4 declares `Assertion<T>`, Vitest 5 `Assertion<R, T>`, and a merge
  // must repeat them by name; one that omits them (all have defaults) merges with either.
  interface Assertion extends EvalboxMatchers {}
  interface AsymmetricMatchersContaining extends Omit<EvalboxMatchers<unknown>, 'toContainFile'> {}
}

export { filesOfDiff } from './received.ts'
