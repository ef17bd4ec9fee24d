import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { type ArtifactStore, createArtifactStore } from './artifact-store.ts'
import { parseArtifactQuery } from './artifact-text.ts'
import type { ArtifactView } from './artifact-types.ts'
import type { ContextFixtureResult } from './bench-report.ts'
import type { LoadedFixture } from './load-fixtures.ts'
import { buildPayload, fixtureKind } from './payload.ts'
import { charCount, estimateTokens, fitToBudget } from './tokens.ts'

/** How one fixture is run. */
export interface RunContextFixtureOptions {
  /** Move the output into an artifact (false: keep it inline, the ablation). @default true */
  artifacts?: boolean
  /** The store to write to; a temporary one, removed afterwards, when omitted. */
  store?: ArtifactStore
  /** The inline mode's context budget in tokens; text past it loses its middle. @default 8000 */
  inlineBudgetTokens?: number
  /** Lines one read, grep or tail call returns. @default 200 */
  pageLines?: number
}

/** The default inline context budget of the ablation, in tokens. */
export const DEFAULT_INLINE_BUDGET_TOKENS = 8_000

function findDetail(lines: readonly string[], expected: string): string | undefined {
  return lines.find((line) => line.includes(expected))
}

function inlineBefore(fixture: LoadedFixture, payload: string): string {
  return `${fixture.prompt}\n\n${payload}`
}

async function withStore<T>(
  given: ArtifactStore | undefined,
  use: (store: ArtifactStore) => Promise<T>,
): Promise<T> {
  if (given) return use(given)
  const root = await mkdtemp(join(tmpdir(), 'evalbox-context-'))
  try {
    return await use(createArtifactStore(root))
  } finally {
    await rm(root, { recursive: true, force: true })
  }
}

async function recover(
  store: ArtifactStore,
  fixture: LoadedFixture,
  threadId: string,
  id: string,
  pageLines: number,
): Promise<ArtifactView> {
  switch (fixture.expectedTool) {
    case 'read':
      return store.readPage(threadId, id, { offset: 1, limit: pageLines })
    case 'tail':
      return store.tail(threadId, id, pageLines)
    case 'grep':
      return store.grep(threadId, id, parseArtifactQuery(fixture.expectedArtifactQuery), { limit: pageLines })
  }
}

function result(
  fixture: LoadedFixture,
  fields: Omit<ContextFixtureResult, 'fixtureId' | 'title' | 'expectedTool' | 'inlineTokensSaved'>,
): ContextFixtureResult {
  // Spelled out so the JSON keeps the seed's field order, then the additive fields.
  return {
    fixtureId: fixture.id,
    answerCorrect: fields.answerCorrect,
    inlineCharsBefore: fields.inlineCharsBefore,
    inlineCharsAfter: fields.inlineCharsAfter,
    inlineTokensBefore: fields.inlineTokensBefore,
    inlineTokensAfter: fields.inlineTokensAfter,
    artifactReadCount: fields.artifactReadCount,
    artifactGrepCount: fields.artifactGrepCount,
    artifactTailCount: fields.artifactTailCount,
    artifactBytesWritten: fields.artifactBytesWritten,
    artifactLinesWritten: fields.artifactLinesWritten,
    inlineTokensSaved: Math.max(0, fields.inlineTokensBefore - fields.inlineTokensAfter),
    turnWallTimeMs: fields.turnWallTimeMs,
    ...(fields.recoveredDetail === undefined ? {} : { recoveredDetail: fields.recoveredDetail }),
    title: fixture.title,
    expectedTool: fixture.expectedTool,
    artifacts: fields.artifacts,
    ...(fields.inlineTruncated === undefined ? {} : { inlineTruncated: fields.inlineTruncated }),
  }
}

/**
 * Runs one fixture: builds its payload and, with artifacts on, stores it as an artifact,
 * puts the reference inline in its place and recovers the hidden detail with the fixture's
 * tool. With artifacts off the payload stays inline, cut to the context budget, and the
 * detail counts as recovered only if it survived the cut.
 */
export async function runContextFixture(
  fixture: LoadedFixture,
  options: RunContextFixtureOptions = {},
): Promise<ContextFixtureResult> {
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  const payload = await buildPayload(fixture)
  const before = inlineBefore(fixture, payload)
  const charsBefore = charCount(before)
  const tokensBefore = estimateTokens(charsBefore)

  if (options.artifacts === false) {
    const fitted = fitToBudget(before, options.inlineBudgetTokens ?? DEFAULT_INLINE_BUDGET_TOKENS)
    const detail = findDetail(fitted.text.split('\n'), fixture.expectedAnswerContains)
    return result(fixture, {
      answerCorrect: detail !== undefined,
      inlineCharsBefore: charsBefore,
      inlineCharsAfter: charsBefore,
      inlineTokensBefore: tokensBefore,
      inlineTokensAfter: tokensBefore,
      artifactReadCount: 0,
      artifactGrepCount: 0,
      artifactTailCount: 0,
      artifactBytesWritten: 0,
      artifactLinesWritten: 0,
      turnWallTimeMs: elapsed(),
      recoveredDetail: detail,
      artifacts: false,
      inlineTruncated: fitted.truncated,
    })
  }

  return withStore(options.store, async (store) => {
    const threadId = `bench-${fixture.id}`
    const artifact = await store.create({
      kind: fixtureKind(fixture),
      threadId,
      turnId: 'turn-1',
      sourceToolId: fixture.id,
      label: fixture.title,
      bytes: payload,
    })
    const reference = store.formatReference(artifact, fixture.title)
    const after = `${fixture.prompt}\n\nThe tool output was moved out of the context:\n${reference}`
    const view = await recover(store, fixture, threadId, artifact.id, options.pageLines ?? 200)
    const detail = findDetail(
      view.lines.map((line) => line.text),
      fixture.expectedAnswerContains,
    )
    const charsAfter = charCount(after)
    return result(fixture, {
      answerCorrect: detail !== undefined,
      inlineCharsBefore: charsBefore,
      inlineCharsAfter: charsAfter,
      inlineTokensBefore: tokensBefore,
      inlineTokensAfter: estimateTokens(charsAfter),
      artifactReadCount: fixture.expectedTool === 'read' ? 1 : 0,
      artifactGrepCount: fixture.expectedTool === 'grep' ? 1 : 0,
      artifactTailCount: fixture.expectedTool === 'tail' ? 1 : 0,
      artifactBytesWritten: artifact.byteCount,
      artifactLinesWritten: artifact.lineCount,
      turnWallTimeMs: elapsed(),
      recoveredDetail: detail,
      artifacts: true,
    })
  })
}
