import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { makeRun, makeTest, transcriptWithTools } from '../compare/__fixtures__/runs.ts'
import { EvalboxError } from '../core/errors.ts'
import { findPreviousRun, listRuns, loadRunFile, pickPreviousRun, readTuning } from './read-results.ts'
import { RUN_INDEX_FILE } from './run-index.ts'
import type { RunFile } from './schema.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'evalbox-read-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

function put(name: string, content: unknown): string {
  const path = join(dir, name)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}

function run(timestamp: string, fields: Partial<RunFile> = {}): RunFile {
  return makeRun([makeTest('a'), makeTest('b', { passed: false })], { timestamp, ...fields })
}

function pick({ size, mtimeMs }: { size: number; mtimeMs: number }) {
  return { size, mtimeMs }
}

function thrown(fn: () => unknown): EvalboxError {
  try {
    fn()
  } catch (error) {
    if (error instanceof EvalboxError) return error
    throw error
  }
  throw new Error('expected an EvalboxError')
}

// Small files are parsed whole, big ones streamed: both ways give the same results.
const ways = [
  ['parsed whole', readTuning.wholeParseMaxBytes],
  ['streamed', 0],
] as const
describe.each(ways)('loadRunFile (%s)', (_, limit) => {
  beforeEach(() => {
    readTuning.wholeParseMaxBytes = limit
  })
  afterEach(() => {
    readTuning.wholeParseMaxBytes = ways[0][1]
  })

  it('with `warn`, skips an invalid test or not-run entry, naming it, and keeps the rest', () => {
    const good = run('2026-11-21T10:00:00.000Z')
    const path = put('bad-entries.json', {
      ...good,
      tests: [...good.tests, { ...makeTest('c'), passed: 'yes' }, { suite: 's', tier: 'e2e' }],
      not_run: [{ name: 'later', suite: 's', tier: 'e2e', status: 'maybe' }],
    })
    expect(thrown(() => loadRunFile(path)).message).toContain('`tests[2].passed`')
    const warnings: string[] = []
    const loaded = loadRunFile(path, { warn: (message) => warnings.push(message) })
    expect(loaded.tests.map((t) => t.name)).toEqual(['a', 'b'])
    expect(loaded.not_run).toEqual([])
    expect(warnings).toEqual([
      expect.stringMatching(
        /^Skipped an invalid entry tests\[2\] \("c"\) of .*bad-entries\.json \(`passed` must be a boolean/,
      ),
      expect.stringMatching(/^Skipped an invalid entry tests\[3\] of .*\(`name` /),
      expect.stringMatching(/^Skipped an invalid entry not_run\[0\] \("later"\) of .*\(`status` /),
    ])
    // The run's own fields are still checked.
    const broken = put('bad-header.json', { ...good, branch: 7 })
    expect(thrown(() => loadRunFile(broken, { warn: () => {} })).message).toContain('`branch`')
  })

  it('slim: the tests without outputs, prompts and transcripts (kept where no tool_summary is), the same checks', () => {
    const full = makeRun(
      [
        makeTest('a', {
          output: 'x'.repeat(5000),
          prompt: 'p',
          transcript: transcriptWithTools('Bash'),
          tool_summary: { Bash: 1 },
        }),
        makeTest('b', { output: 'y', transcript: transcriptWithTools('Read') }),
      ],
      { timestamp: '2026-11-21T10:00:00.000Z' },
    )
    const path = put('slim.json', JSON.stringify(full, null, 2))
    const slim = loadRunFile(path, { slim: true })
    expect(slim).toEqual({
      ...full,
      tests: [
        { ...full.tests[0], output: undefined, prompt: undefined, transcript: undefined },
        { ...full.tests[1], output: undefined },
      ].map((t) => JSON.parse(JSON.stringify(t))),
    })
    // A cut-short file and an invalid entry are refused as a whole load refuses them.
    const text = JSON.stringify(full)
    expect(thrown(() => loadRunFile(put('cut.json', text.slice(0, -10)), { slim: true })).code).toBe(
      'RESULT_FILE_INVALID',
    )
    const bad = put('bad.json', { ...full, tests: [{ ...makeTest('c'), passed: 'yes' }] })
    expect(thrown(() => loadRunFile(bad, { slim: true })).message).toContain('`tests[0].passed`')
  })

  it('slim with outputs: every output size kept, the picked tests keep their output cut and their transcript', () => {
    const full = makeRun(
      [
        makeTest('a', {
          output: 'é'.repeat(300),
          transcript: transcriptWithTools('Bash'),
          tool_summary: { Bash: 1 },
        }),
        makeTest('b', {
          output: 'short',
          prompt: 'p',
          transcript: transcriptWithTools('Read'),
          tool_summary: {},
        }),
        makeTest('c'),
      ],
      { timestamp: '2026-11-21T10:00:00.000Z' },
    )
    const path = put('outputs.json', full)
    const seen: unknown[] = []
    const pick = (entry: Readonly<Record<string, unknown>>) => {
      seen.push(entry.name)
      return entry.name !== 'b'
    }
    const [a, b, c] = loadRunFile(path, { slim: true, outputs: { pick, maxChars: 10 } }).tests
    expect(seen).toEqual(['a', 'b', 'c'])
    expect(a).toMatchObject({
      output: 'é'.repeat(10),
      output_bytes: 600,
      transcript: full.tests[0]!.transcript,
    })
    expect(b).toEqual({
      ...full.tests[1],
      output: undefined,
      prompt: undefined,
      transcript: undefined,
      output_bytes: 5,
    })
    expect(c).toEqual(full.tests[2])
    const only = loadRunFile(path, { slim: true, outputs: { pick, maxChars: 10, onlyPicked: true } })
    expect(only.tests.map((t) => t.name)).toEqual(['a', 'c'])
    expect(only.total_tests).toBe(3)
  })

  it('lists a run from its header: its tests are read past, a cut-short file is skipped with a warning', () => {
    put('ok.json', run('2026-11-21T10:00:00.000Z'))
    const text = JSON.stringify(run('2026-11-22T10:00:00.000Z'))
    put('cut.json', text.slice(0, text.length - 3))
    const warnings: string[] = []
    expect(listRuns(dir, { warn: (m) => warnings.push(m) }).map((r) => [r.file, r.passed, r.total])).toEqual([
      ['ok.json', 1, 2],
    ])
    expect(warnings).toEqual([
      expect.stringMatching(/cut\.json is not valid JSON \(it ends before its last `}`\)/),
    ])
  })

  it('loads a seed-002-shaped file (no evalbox additions)', () => {
    const seed = {
      ...run('2026-01-01T00:00:00Z'),
      tests: [{ ...makeTest('review'), transcript: transcriptWithTools('Bash'), detection_rate: 3 }],
    }
    const loaded = loadRunFile(put('seed.json', seed))
    expect(loaded.tests[0]?.detection_rate).toBe(3)
    expect(loaded.tests[0]?.transcript).toHaveLength(3)
  })

  it('refuses a newer schema_version, naming the file, both versions and the fix', () => {
    const path = put('future.json', { ...run('2026-01-01T00:00:00Z'), schema_version: 99 })
    const error = thrown(() => loadRunFile(path))
    expect(error.code).toBe('RESULT_SCHEMA_TOO_NEW')
    expect(error.message).toContain(path)
    expect(error.message).toMatch(/schema_version 99.*\(1\).*Upgrade evalbox/)
  })

  it('names the first failing field of an invalid file', () => {
    const bad = run('2026-01-01T00:00:00Z')
    const tests = [bad.tests[0], { ...bad.tests[1], passed: 'yes' }]
    const path = put('bad.json', { ...bad, tests })
    const error = thrown(() => loadRunFile(path))
    expect(error.code).toBe('RESULT_FILE_INVALID')
    expect(error.message).toContain(path)
    expect(error.message).toContain('`tests[1].passed`')
  })

  it('reports unparseable JSON and missing files distinctly', () => {
    expect(thrown(() => loadRunFile(put('cut.json', '{"schema_version": 1, "tes'))).code).toBe(
      'RESULT_FILE_INVALID',
    )
    const missing = thrown(() => loadRunFile(join(dir, 'nope.json')))
    expect(missing.code).toBe('NO_RESULTS')
    expect(missing.message).toContain('nope.json')
  })
})

describe.each(ways)('listRuns (%s)', (_, limit) => {
  beforeEach(() => {
    readTuning.wholeParseMaxBytes = limit
  })
  afterEach(() => {
    readTuning.wholeParseMaxBytes = ways[0][1]
  })

  it('lists run files newest first with counts and the partial marker', () => {
    put('old.json', run('2026-01-01T00:00:00Z'))
    put('new.json', run('2026-01-03T00:00:00Z', { _partial: true }))
    put('mid.json', run('2026-01-02T00:00:00+00:00', { branch: 'feat' }))
    const runs = listRuns(dir)
    expect(runs.map((r) => r.file)).toEqual(['new.json', 'mid.json', 'old.json'])
    expect(runs[0]).toMatchObject({ partial: true, passed: 1, failed: 1, total: 2, tier: 'e2e' })
    expect(runs[1]).toMatchObject({ partial: false, branch: 'feat', path: join(dir, 'mid.json') })
  })

  it('skips unusable JSON files with exactly one warning each, naming the file', () => {
    put('good.json', run('2026-01-01T00:00:00Z'))
    put('broken.json', '{ not json')
    put('package.json', { name: 'something', version: '1.0.0' })
    put('future.json', { ...run('2026-01-02T00:00:00Z'), schema_version: 99 })
    put('invalid.json', { ...run('2026-01-02T00:00:00Z'), passed: -1 })
    const warnings: string[] = []
    const runs = listRuns(dir, { warn: (m) => warnings.push(m) })
    expect(runs.map((r) => r.file)).toEqual(['good.json'])
    expect(warnings).toHaveLength(4)
    for (const name of ['broken.json', 'package.json', 'future.json', 'invalid.json']) {
      expect(warnings.filter((w) => w.includes(name))).toHaveLength(1)
    }
    expect(warnings.find((w) => w.includes('package.json'))).toMatch(/not an evalbox run file/)
  })

  it('reads neither runs/, hidden folders, hidden files nor non-JSON files', () => {
    mkdirSync(join(dir, 'runs', 'r1'), { recursive: true })
    mkdirSync(join(dir, '.cache'))
    writeFileSync(join(dir, 'runs', 'inside.json'), JSON.stringify(run('2026-01-05T00:00:00Z')))
    writeFileSync(join(dir, '.cache', 'x.json'), JSON.stringify(run('2026-01-05T00:00:00Z')))
    put('.tmp-write.json', '{ half')
    put('journal.ndjson', '{"x":1}\n')
    put('top.json', run('2026-01-01T00:00:00Z'))
    const warnings: string[] = []
    expect(listRuns(dir, { warn: (m) => warnings.push(m) }).map((r) => r.file)).toEqual(['top.json'])
    expect(warnings).toEqual([])
  })

  it('returns [] for a directory that does not exist', () => {
    expect(listRuns(join(dir, 'missing'))).toEqual([])
  })

  it('keeps each listing row in an index and reads again only files that changed', () => {
    const path = put('a.json', run('2026-01-01T00:00:00Z'))
    expect(listRuns(dir)[0]).toMatchObject({ passed: 1, file: 'a.json' })
    expect(JSON.parse(readFileSync(join(dir, RUN_INDEX_FILE), 'utf8')).files['a.json'].row).toMatchObject({
      passed: 1,
    })
    // A row is what the listing returns while the file is as it was: the index is read, not the file.
    const index = JSON.parse(readFileSync(join(dir, RUN_INDEX_FILE), 'utf8'))
    index.files['a.json'].row.passed = 7
    writeFileSync(join(dir, RUN_INDEX_FILE), JSON.stringify(index))
    expect(listRuns(dir)[0]?.passed).toBe(7)
    // A file rewritten (size or mtime changes) is read again, whatever its row said.
    put('a.json', run('2026-01-01T00:00:00Z', { passed: 2 }))
    utimesSync(path, new Date(), new Date(Date.now() + 5000))
    expect(listRuns(dir)[0]?.passed).toBe(2)
    // A file gone leaves the index.
    rmSync(path)
    expect(listRuns(dir)).toEqual([])
    expect(JSON.parse(readFileSync(join(dir, RUN_INDEX_FILE), 'utf8')).files).toEqual({})
  })

  it('checks a file against the schema once: unchanged, it loads unchecked; changed, it is checked again', () => {
    const indexed = () => JSON.parse(readFileSync(join(dir, RUN_INDEX_FILE), 'utf8'))
    const good = put('good.json', run('2026-01-01T00:00:00Z'))
    expect(loadRunFile(good, { slim: true, warn: () => {} }).tests).toHaveLength(2)
    expect(indexed().files['good.json']).toMatchObject({ valid: true })
    // An invalid entry: never marked valid.
    const bad = run('2026-01-02T00:00:00Z')
    const path = put('bad.json', { ...bad, tests: [{ ...bad.tests[0], passed: 1234 }] })
    expect(() => loadRunFile(path)).toThrow(/bad\.json is not a valid evalbox run file/)
    expect(loadRunFile(path, { warn: () => {} }).tests).toEqual([])
    expect(indexed().files['bad.json']?.valid).toBeUndefined()
    // A load that leaves entries out unread (a report's picked outputs) vouches for nothing.
    const onlyPicked = { pick: () => false, maxChars: 10, onlyPicked: true }
    expect(loadRunFile(path, { slim: true, warn: () => {}, outputs: onlyPicked }).tests).toEqual([])
    expect(indexed().files['bad.json']?.valid).toBeUndefined()
    // The index's word is taken while the file is unchanged (a lie here, to show it is used)...
    const index = indexed()
    index.files['bad.json'] = { ...index.files['good.json'], ...pick(statSync(path)), valid: true }
    writeFileSync(join(dir, RUN_INDEX_FILE), JSON.stringify(index))
    expect(loadRunFile(path).tests[0]?.passed).toBe(1234)
    // ...and not once the file changed.
    writeFileSync(path, `${readFileSync(path, 'utf8')} `)
    expect(() => loadRunFile(path)).toThrow(/bad\.json is not a valid evalbox run file/)
  })

  it('keeps a row when only the mtime changed (a cache restore) and drops it when the bytes did', () => {
    const path = put('a.json', run('2026-01-01T00:00:00Z'))
    listRuns(dir)
    const index = JSON.parse(readFileSync(join(dir, RUN_INDEX_FILE), 'utf8'))
    index.files['a.json'].row.passed = 7
    writeFileSync(join(dir, RUN_INDEX_FILE), JSON.stringify(index))
    utimesSync(path, new Date(), new Date(Date.now() - 86_400_000))
    expect(listRuns(dir)[0]?.passed).toBe(7)
    // Same size, other bytes, other mtime: read again.
    writeFileSync(path, readFileSync(path, 'utf8').replace('"passed":1', '"passed":0'))
    utimesSync(path, new Date(), new Date(Date.now() - 2 * 86_400_000))
    expect(listRuns(dir)[0]?.passed).toBe(0)
  })

  it('lists known runs without reading their files, and replaces a corrupt index', () => {
    const path = put('mine.json', '{ "not": "read" }')
    const mine = run('2026-01-02T00:00:00Z', { passed: 5 })
    expect(listRuns(dir, { known: new Map([[path, mine]]) })[0]).toMatchObject({
      file: 'mine.json',
      passed: 5,
    })
    writeFileSync(join(dir, RUN_INDEX_FILE), '{ corrupt')
    put('other.json', run('2026-01-01T00:00:00Z'))
    const warnings: string[] = []
    expect(listRuns(dir, { warn: (m) => warnings.push(m) }).map((r) => r.file)).toEqual(['other.json'])
    expect(warnings).toEqual([expect.stringMatching(/mine\.json is not an evalbox run file/)])
    // The corrupt index was replaced by a good one.
    expect(JSON.parse(readFileSync(join(dir, RUN_INDEX_FILE), 'utf8')).version).toBe(1)
  })
})

describe('findPreviousRun', () => {
  beforeEach(() => {
    put('main-1.json', run('2026-01-01T00:00:00Z'))
    put('feat-2.json', run('2026-01-02T00:00:00Z', { branch: 'feat' }))
    put('main-3-partial.json', run('2026-01-03T00:00:00Z', { _partial: true }))
    put('judge-4.json', run('2026-01-04T00:00:00Z', { tier: 'llm-judge' }))
    put('main-5.json', run('2026-01-05T00:00:00Z'))
  })

  it('prefers the newest finalized run of the same tier and branch', () => {
    const found = findPreviousRun(dir, { tier: 'e2e', branch: 'main', exclude: [join(dir, 'main-5.json')] })
    expect(found).toBe(join(dir, 'main-1.json'))
  })

  it('falls back to any branch, and never picks partials or excluded files', () => {
    expect(findPreviousRun(dir, { tier: 'e2e', branch: 'other', exclude: ['main-5.json'] })).toBe(
      join(dir, 'feat-2.json'),
    )
    expect(findPreviousRun(dir, { tier: 'e2e', branch: 'other' })).toBe(join(dir, 'main-5.json'))
    expect(
      findPreviousRun(dir, {
        tier: 'e2e',
        branch: 'main',
        exclude: ['main-5.json', 'main-1.json', 'feat-2.json'],
      }),
    ).toBeUndefined()
  })

  it('never picks a run newer than olderThan', () => {
    const options = { tier: 'e2e', branch: 'feat', exclude: ['feat-2.json'] }
    expect(findPreviousRun(dir, { ...options, olderThan: '2026-01-02T00:00:00Z' })).toBe(
      join(dir, 'main-1.json'),
    )
    expect(findPreviousRun(dir, { ...options, olderThan: '2026-01-01T00:00:00Z' })).toBeUndefined()
  })

  it('only considers the same tier', () => {
    expect(findPreviousRun(dir, { tier: 'llm-judge', branch: 'main' })).toBe(join(dir, 'judge-4.json'))
    expect(findPreviousRun(dir, { tier: 'unit', branch: 'main' })).toBeUndefined()
  })
})

describe('shard files', () => {
  it('are never picked as the previous run of a whole run', () => {
    const base = {
      path: '',
      file: '',
      tier: 'e2e',
      branch: 'main',
      version: '1',
      git_sha: 'a',
      partial: false,
      passed: 1,
      failed: 0,
      total: 1,
      skipped: 0,
      cost_usd: 0,
    }
    const runs = [
      { ...base, path: '/r/shard.json', timestamp: '2026-01-02T00:00:00Z', shard: '1/2' },
      { ...base, path: '/r/full.json', timestamp: '2026-01-01T00:00:00Z' },
    ]
    expect(pickPreviousRun(runs, { tier: 'e2e', branch: 'main' })?.path).toBe('/r/full.json')
  })
})
