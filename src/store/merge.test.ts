import { describe, expect, it } from 'vitest'
import { makeNotRun, makeTest } from '../compare/__fixtures__/runs.ts'
import { EvalboxError } from '../core/errors.ts'
import { mergeRuns } from './merge.ts'
import { buildRunFile, type RunHeader } from './run-file.ts'
import { runFileSchema, type TestEntry } from './schema.ts'

const HEADER: RunHeader = {
  run_id: '20260102-100000-aaaaaa',
  timestamp: '2026-01-02T10:00:00.000Z',
  version: '0.1.0',
  branch: 'main',
  git_sha: 'abc1234',
  hostname: 'ci-1',
  evalbox_version: '0.1.0',
}

const TESTS: TestEntry[] = [
  makeTest('fixes paginate', { file: 'evals/code.eval.ts', line: 3, cost_usd: 0.25, duration_ms: 4000 }),
  makeTest('adds a test', { file: 'evals/code.eval.ts', line: 20, passed: false, exit_reason: 'timeout' }),
  ...[1, 2, 3].map((repeat) =>
    makeTest(`review #${repeat}`, {
      file: 'evals/review.eval.ts',
      suite: 'review',
      case_name: 'review',
      repeat,
      repeats: 3,
      passed: repeat !== 2,
      cost_usd: 0.013,
    }),
  ),
  makeTest('summarises', { file: 'evals/text.eval.ts', suite: 'text', cost_usd: 0.001, duration_ms: 120 }),
]

const byFile = (prefix: string) => (t: TestEntry) => t.file!.startsWith(prefix)
const sortKey = (t: TestEntry) => `${t.file}|${t.suite}|${t.name}|${t.repeat ?? 0}`
const sorted = (tests: TestEntry[]) => [...tests].sort((a, b) => sortKey(a).localeCompare(sortKey(b)))

function shards() {
  // Vitest shards by file, and each shard is its own process with its own run id and clock.
  const one = buildRunFile(
    { ...HEADER, run_id: 'r-one', shard: '1/2', timestamp: '2026-01-02T10:00:05.000Z', hostname: 'ci-2' },
    'e2e',
    TESTS.filter(byFile('evals/r')).reverse(),
    [makeNotRun('later', { file: 'evals/review.eval.ts', suite: 'review' })],
    { partial: false, wallClockMs: 9_000 },
  )
  const two = buildRunFile(
    { ...HEADER, shard: '2/2' },
    'e2e',
    TESTS.filter((t) => !byFile('evals/r')(t)),
    [],
    { partial: false, wallClockMs: 7_000 },
  )
  return { one, two }
}

describe('mergeRuns', () => {
  it('rebuilds the unsharded run from its two shards, case for case', () => {
    const unsharded = buildRunFile(HEADER, 'e2e', TESTS, [], { partial: false, wallClockMs: 9_000 })
    const { one, two } = shards()
    const merged = mergeRuns([one, two])
    expect(sorted(merged.tests)).toEqual(sorted(unsharded.tests))
    for (const field of ['total_tests', 'passed', 'failed', 'total_cost_usd', 'total_duration_ms'] as const) {
      expect(merged[field]).toBe(unsharded[field])
    }
    expect(runFileSchema().safeParse(merged).success).toBe(true)
  })

  it('orders tests by file, suite, name, repeat whatever the input order', () => {
    const { one, two } = shards()
    const names = mergeRuns([one, two]).tests.map((t) => t.name)
    expect(names).toEqual([
      'adds a test',
      'fixes paginate',
      'review #1',
      'review #2',
      'review #3',
      'summarises',
    ])
    expect(mergeRuns([two, one]).tests.map((t) => t.name)).toEqual(names)
  })

  it('takes the earliest timestamp (and its header), the longest wall clock, and drops shard', () => {
    const { one, two } = shards()
    const merged = mergeRuns([one, two])
    expect(merged.timestamp).toBe('2026-01-02T10:00:00.000Z')
    expect(merged.run_id).toBe('20260102-100000-aaaaaa')
    expect(merged.hostname).toBe('ci-1')
    expect(merged.evalbox_version).toBe('0.1.0')
    expect(merged.wall_clock_ms).toBe(9_000)
    expect(merged.shard).toBeUndefined()
    expect(merged._partial).toBeUndefined()
    expect(merged.not_run?.map((n) => n.name)).toEqual(['later'])
  })

  it('is partial when any shard is', () => {
    const { one, two } = shards()
    const cut = { ...two, _partial: true, partial_reason: 'interrupted' as const }
    const merged = mergeRuns([one, cut])
    expect(merged._partial).toBe(true)
    expect(merged.partial_reason).toBe('interrupted')
  })

  it('drops not-run entries for tests that ran in another shard', () => {
    const { one, two } = shards()
    const skippedHere = { ...two, not_run: [makeNotRun('review #1', { suite: 'review' })] }
    expect(mergeRuns([one, skippedHere]).not_run?.map((n) => n.name)).toEqual(['later'])
  })

  it('refuses different tiers, naming files and tiers, even with force', () => {
    const { one, two } = shards()
    const judge = { ...two, tier: 'llm-judge' }
    const merge = () => mergeRuns([one, judge], { names: ['a.json', 'b.json'], force: true })
    expect(merge).toThrow(EvalboxError)
    expect(merge).toThrow('a.json (e2e), b.json (llm-judge)')
  })

  it('refuses different commits or unrelated run ids unless forced', () => {
    const { one, two } = shards()
    const other = { ...two, git_sha: 'fff0000' }
    expect(() => mergeRuns([one, other], { names: ['a.json', 'b.json'] })).toThrow(
      /different git_sha: a\.json \(abc1234\), b\.json \(fff0000\).*--force/,
    )
    expect(mergeRuns([one, other], { force: true }).total_tests).toBe(TESTS.length)
    const unsharded = { ...two, shard: undefined }
    expect(() => mergeRuns([one, unsharded])).toThrow(/different run_id/)
  })

  it('refuses the same shard or the same test twice unless forced', () => {
    const { one, two } = shards()
    expect(() => mergeRuns([one, one], { names: ['x.json', 'y.json'] })).toThrow(/Shard 1\/2 appears twice/)
    const again = { ...two, shard: undefined, run_id: 'r-one', tests: [...two.tests, one.tests[0]!] }
    const plain = { ...one, shard: undefined }
    expect(() => mergeRuns([plain, again], { names: ['x.json', 'y.json'] })).toThrow(
      /is in both x\.json and y\.json/,
    )
    expect(mergeRuns([plain, again], { force: true }).total_tests).toBe(TESTS.length + 1)
  })

  it('needs at least one run', () => {
    expect(() => mergeRuns([])).toThrow(/Nothing to merge/)
  })
})
