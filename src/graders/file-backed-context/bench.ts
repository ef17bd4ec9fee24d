import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { EvalboxError } from '../../core/errors.ts'
import { createArtifactStore } from './artifact-store.ts'
import type { ContextBenchReport, ContextFixtureResult } from './bench-report.ts'
import { type LoadedFixture, loadFixtures } from './load-fixtures.ts'
import { renderAblationMarkdown } from './render-ablation.ts'
import { renderFindingsMarkdown } from './render-findings.ts'
import { renderResultsMarkdown } from './render-results.ts'
import { DEFAULT_INLINE_BUDGET_TOKENS, runContextFixture } from './run-fixture.ts'

/** Options of `runContextBench`. */
export interface ContextBenchOptions {
  /** Where to write the report and markdown files; nothing is written when omitted. */
  outDir?: string
  /** Move outputs into artifacts (false: keep them inline — the ablation alone). @default true */
  artifacts?: boolean
  /** With artifacts on, also run every fixture inline and write `ablation.md`. @default true */
  ablation?: boolean
  /** The inline mode's context budget in tokens. @default 8000 */
  inlineBudgetTokens?: number
  /** Lines one read, grep or tail call returns. @default 200 */
  pageLines?: number
  /** Keep the artifacts under this folder; a temporary folder, removed afterwards, when omitted. */
  artifactRoot?: string
}

/** A finished bench: the report and the files written (absolute paths, in writing order). */
export interface ContextBenchRun {
  report: ContextBenchReport
  files: string[]
}

/** The files a bench writes, by name. */
export const CONTEXT_BENCH_FILES = {
  report: 'file-backed-context-report.json',
  results: 'results.md',
  findings: 'findings-summary.md',
  ablation: 'ablation.md',
} as const

async function runAll(
  fixtures: readonly LoadedFixture[],
  artifacts: boolean,
  options: ContextBenchOptions,
  storeRoot: string,
): Promise<ContextFixtureResult[]> {
  const store = createArtifactStore(storeRoot)
  const results: ContextFixtureResult[] = []
  // One at a time: the wall times should not include another fixture's work.
  for (const fixture of fixtures) {
    results.push(
      await runContextFixture(fixture, {
        artifacts,
        store,
        inlineBudgetTokens: options.inlineBudgetTokens,
        pageLines: options.pageLines,
      }),
    )
  }
  return results
}

/**
 * Writes a report's files into `outDir`: the JSON report, `results.md`,
 * `findings-summary.md`, and `ablation.md` when the report has an ablation.
 */
export async function writeContextBenchFiles(report: ContextBenchReport, outDir: string): Promise<string[]> {
  const dir = resolve(outDir)
  await mkdir(dir, { recursive: true })
  const contents: [string, string][] = [
    [CONTEXT_BENCH_FILES.report, `${JSON.stringify(report, null, 2)}\n`],
    [CONTEXT_BENCH_FILES.results, renderResultsMarkdown(report)],
    [CONTEXT_BENCH_FILES.findings, renderFindingsMarkdown(report)],
  ]
  if (report.ablation) contents.push([CONTEXT_BENCH_FILES.ablation, renderAblationMarkdown(report)])
  const files: string[] = []
  for (const [name, text] of contents) {
    const path = join(dir, name)
    await writeFile(path, text)
    files.push(path)
  }
  return files
}

/**
 * Runs every fixture in `fixtureDir` (see `loadFixtures`): with artifacts on, each large
 * output is moved into an artifact and its hidden detail recovered with the fixture's tool;
 * with the ablation, the same fixtures also run with the output kept inline and cut to the
 * context budget. Writes the report files when `outDir` is given.
 */
export async function runContextBench(
  fixtureDir: string,
  options: ContextBenchOptions = {},
): Promise<ContextBenchRun> {
  const dir = resolve(fixtureDir)
  const fixtures = await loadFixtures(dir)
  if (fixtures.length === 0) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `No fixture JSON files in ${dir}. Add fixtures (see examples/file-backed-context/fixtures) or pass another folder.`,
    )
  }
  const artifacts = options.artifacts ?? true
  const storeRoot = options.artifactRoot ?? (await mkdtemp(join(tmpdir(), 'evalbox-context-bench-')))
  try {
    const results = await runAll(fixtures, artifacts, options, storeRoot)
    const ablation =
      artifacts && (options.ablation ?? true) ? await runAll(fixtures, false, options, storeRoot) : undefined
    const report: ContextBenchReport = {
      fixtureDir: dir,
      offline: true,
      generatedAt: new Date().toISOString(),
      artifacts,
      inlineBudgetTokens: options.inlineBudgetTokens ?? DEFAULT_INLINE_BUDGET_TOKENS,
      results,
      ...(ablation ? { ablation: { artifacts: false as const, results: ablation } } : {}),
    }
    const files = options.outDir === undefined ? [] : await writeContextBenchFiles(report, options.outDir)
    return { report, files }
  } finally {
    if (options.artifactRoot === undefined) await rm(storeRoot, { recursive: true, force: true })
  }
}
