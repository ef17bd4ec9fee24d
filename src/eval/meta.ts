import type { TestEntry } from '../store/schema.ts'

// The one channel from worker to reporter: the case's result entry rides on the task's meta,
// which Vitest serialises with each test result.
declare module 'vitest' {
  interface TaskMeta {
    evalbox?: TestEntry
    /** Set at definition, so a case that never runs still has its tier. */
    evalboxTier?: string
    /** The line of the `evalTest`/`describeEval` call in the eval file. */
    evalboxLine?: number
  }
}

/** The meta key evalbox writes. */
export const META_KEY = 'evalbox'
