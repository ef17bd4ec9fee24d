export { assertSafeId, isSafeId } from './artifact-ids.ts'
export { formatReference } from './artifact-reference.ts'
export { type ArtifactStore, createArtifactStore } from './artifact-store.ts'
export { parseArtifactQuery } from './artifact-text.ts'
export {
  ARTIFACT_KINDS,
  type ArtifactGrepView,
  type ArtifactKind,
  type ArtifactLine,
  type ArtifactView,
  type ContextArtifact,
  type CreateArtifactRequest,
  type GrepOptions,
  type ReadPageOptions,
} from './artifact-types.ts'
export {
  CONTEXT_BENCH_FILES,
  type ContextBenchOptions,
  type ContextBenchRun,
  runContextBench,
  writeContextBenchFiles,
} from './bench.ts'
export type { ContextBenchReport, ContextFixtureResult } from './bench-report.ts'
export {
  type ContextFixture,
  type ContextFixtureInput,
  type ExpectedArtifactTool,
  PAYLOAD_GENERATORS,
  type PayloadSpec,
} from './fixture-schema.ts'
export { type LoadedFixture, loadFixture, loadFixtures, parseFixture } from './load-fixtures.ts'
export { buildPayload, fixtureKind, generatePayload } from './payload.ts'
export { renderAblationMarkdown } from './render-ablation.ts'
export { renderFindingsMarkdown } from './render-findings.ts'
export { renderResultsMarkdown } from './render-results.ts'
export {
  DEFAULT_INLINE_BUDGET_TOKENS,
  type RunContextFixtureOptions,
  runContextFixture,
} from './run-fixture.ts'
export { estimateTokens, fitToBudget } from './tokens.ts'
