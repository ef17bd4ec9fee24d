import type { ExpectedArtifactTool } from './fixture-schema.ts'

/**
 * One fixture's outcome, in one mode. The fields up to `recoveredDetail` are those of the
 * seed's result format (camelCase, same meanings); the rest are additive.
 */
export interface ContextFixtureResult {
  fixtureId: string
  /** The hidden detail was recovered (the recovered line contains `expectedAnswerContains`). */
  answerCorrect: boolean
  /** Characters of the turn's inline text had the output stayed inline (prompt + output). */
  inlineCharsBefore: number
  /** Characters of the turn's inline text as sent (prompt + artifact reference, or unchanged). */
  inlineCharsAfter: number
  /** `inlineCharsBefore / 4`, rounded up. */
  inlineTokensBefore: number
  inlineTokensAfter: number
  artifactReadCount: number
  artifactGrepCount: number
  artifactTailCount: number
  artifactBytesWritten: number
  artifactLinesWritten: number
  /** `inlineTokensBefore - inlineTokensAfter`, never below 0. */
  inlineTokensSaved: number
  turnWallTimeMs: number
  /** The line that held the detail; absent when it was not recovered. */
  recoveredDetail?: string
  title: string
  expectedTool: ExpectedArtifactTool
  /** Whether the output went to an artifact (false: the ablation, output kept inline). */
  artifacts: boolean
  /** Ablation only: the inline text exceeded the context budget and lost its middle. */
  inlineTruncated?: boolean
}

/** The report of one bench run (`file-backed-context-report.json`). */
export interface ContextBenchReport {
  fixtureDir: string
  /** Always true: payloads are generated or read from files, no model is called. */
  offline: boolean
  /** ISO 8601 time the report was made. */
  generatedAt: string
  /** The mode of `results`: outputs moved to artifacts (true) or kept inline (false). */
  artifacts: boolean
  /** The context budget the inline mode is cut to, in tokens. */
  inlineBudgetTokens: number
  results: ContextFixtureResult[]
  /** With artifacts on and the ablation run: the same fixtures with outputs kept inline. */
  ablation?: { artifacts: false; results: ContextFixtureResult[] }
}
