import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import * as z from 'zod'
import { describeValue, EvalboxError } from '../../core/errors.ts'
import { lazy } from '../../core/lazy.ts'
import { defineGrader, graderOptions } from '../define.ts'
import type { Grader } from '../types.ts'
import type { ContextFixtureResult } from './bench-report.ts'
import type { ContextFixtureInput } from './fixture-schema.ts'
import { type LoadedFixture, loadFixture, loadFixtures, parseFixture } from './load-fixtures.ts'

/** A fixture as the grader takes it: a JSON file path, or the fixture itself. */
export type FixtureSource = string | ContextFixtureInput

/** Options of `graders.fileBackedContext`; give `fixture` or `fixtures`. */
export interface FileBackedContextGraderOptions {
  /** One fixture: a JSON file path, or a fixture object. */
  fixture?: FixtureSource
  /** Several fixtures: a folder of fixture JSON files, or a list of paths and objects. */
  fixtures?: string | readonly FixtureSource[]
  /** Move outputs into artifacts (false: keep them inline, cut to the budget). @default true */
  artifacts?: boolean
  /** Where relative paths (fixture paths, an object's `payloadFile`) are resolved. @default process.cwd() */
  baseDir?: string
  /** The inline mode's context budget in tokens. @default 8000 */
  inlineBudgetTokens?: number
  /** Lines one read, grep or tail call returns. @default 200 */
  pageLines?: number
}

// A fixture object is checked by its own schema (`parseFixture`), which names its fields.
const sourceSchema = lazy(() =>
  z.union([z.string().min(1), z.looseObject({})], 'must be a fixture JSON path or a fixture object'),
)

const optionsSchema = lazy(() =>
  z.strictObject({
    fixture: sourceSchema().optional(),
    fixtures: z.union([z.string().min(1), z.array(sourceSchema())]).optional(),
    artifacts: z.boolean().optional(),
    baseDir: z.string().min(1).optional(),
    inlineBudgetTokens: z.number().int().positive().optional(),
    pageLines: z.number().int().positive().optional(),
  }),
)

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

function loader(source: FixtureSource, baseDir: string): () => Promise<LoadedFixture[]> {
  if (typeof source !== 'string') {
    // Objects are checked now, so a bad fixture fails where the eval is defined.
    const fixture = parseFixture(source, { baseDir })
    return async () => [fixture]
  }
  const path = resolve(baseDir, source)
  return async () => (isDirectory(path) ? loadFixtures(path) : [await loadFixture(path)])
}

function sources(options: FileBackedContextGraderOptions): FixtureSource[] {
  const { fixture, fixtures } = options
  if ((fixture === undefined) === (fixtures === undefined)) {
    throw new EvalboxError(
      'GRADER_CONFIG',
      `graders.fileBackedContext() needs exactly one of \`fixture\` (a fixture or its JSON file) and \`fixtures\` (a folder or a list), got ${describeValue(options)}.`,
    )
  }
  if (fixture !== undefined) return [fixture]
  return typeof fixtures === 'string' ? [fixtures] : [...(fixtures ?? [])]
}

function label(source: FixtureSource): string {
  return typeof source === 'string' ? source : String(source.id)
}

function explain(results: readonly ContextFixtureResult[], artifacts: boolean): string {
  const missed = results.filter((result) => !result.answerCorrect)
  const before = results.reduce((sum, r) => sum + r.inlineTokensBefore, 0)
  const after = results.reduce((sum, r) => sum + r.inlineTokensAfter, 0)
  const how = artifacts ? `inline tokens ${before} → ${after}` : `kept inline (${before} tokens)`
  const head = `recovered ${results.length - missed.length}/${results.length} hidden details; ${how}`
  if (missed.length === 0) return head
  const names = missed.map((r) => `${r.fixtureId} (${artifacts ? r.expectedTool : 'cut from the context'})`)
  return `${head}; missed ${names.join(', ')}`
}

/**
 * The file-backed-context check for evals: runs each fixture's bench case on the host (no
 * sandbox) and passes when every hidden detail is recovered. The score is the fraction
 * recovered; `metadata.results` holds each fixture's numbers (tokens before and after,
 * artifact size, tool calls, the recovered line), and the results table is kept in the
 * case's run directory.
 *
 * @example graders.fileBackedContext({ fixture: 'examples/file-backed-context/fixtures/long-command-output.json' })
 */
export function fileBackedContext(options: FileBackedContextGraderOptions): Grader {
  graderOptions('graders.fileBackedContext()', optionsSchema(), options)
  const list = sources(options)
  const baseDir = resolve(options.baseDir ?? process.cwd())
  const loaders = list.map((source) => loader(source, baseDir))
  const artifacts = options.artifacts ?? true
  const name = `fileBackedContext(${list.map(label).join(', ')}${artifacts ? '' : ', artifacts off'})`
  return defineGrader(name, async ({ keep }) => {
    // The bench and its report are loaded on the first grading, not with evalbox.
    const [{ DEFAULT_INLINE_BUDGET_TOKENS, runContextFixture }, { renderResultsMarkdown }] =
      await Promise.all([import('./run-fixture.ts'), import('./render-results.ts')])
    const inlineBudgetTokens = options.inlineBudgetTokens ?? DEFAULT_INLINE_BUDGET_TOKENS
    const fixtures = (await Promise.all(loaders.map((load) => load()))).flat()
    if (fixtures.length === 0) throw new Error(`no fixtures found in ${list.map(label).join(', ')}`)
    const results: ContextFixtureResult[] = []
    for (const fixture of fixtures) {
      results.push(
        await runContextFixture(fixture, { artifacts, inlineBudgetTokens, pageLines: options.pageLines }),
      )
    }
    const recovered = results.filter((result) => result.answerCorrect).length
    const table = renderResultsMarkdown({
      fixtureDir: list.map(label).join(', '),
      offline: true,
      generatedAt: new Date().toISOString(),
      artifacts,
      inlineBudgetTokens,
      results,
    })
    const kept = await keep('grader-file-backed-context.md', table)
    return {
      score: recovered / results.length,
      pass: recovered === results.length,
      explanation: explain(results, artifacts),
      metadata: {
        artifacts,
        fixtures: results.length,
        recovered,
        inlineTokensSaved: results.reduce((sum, r) => sum + r.inlineTokensSaved, 0),
        results,
        ...(kept && { table: kept }),
      },
    }
  })
}
