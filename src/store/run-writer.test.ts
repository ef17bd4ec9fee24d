import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { main } from '../cli/index.ts'
import { JOURNAL_DIR } from './journal.ts'
import { recoverInterruptedRuns } from './recover.ts'
import type { RunHeader } from './run-file.ts'
import { RunWriter } from './run-writer.ts'
import type { RunFile, TestEntry } from './schema.ts'
import { appendWorkerEntry, flushWorkerJournal } from './worker-journal.ts'

const header = (runId: string): RunHeader => ({
  run_id: runId,
  timestamp: '2026-11-21T10:20:30.000Z',
  version: '1.0.0',
  branch: 'feature/x',
  git_sha: 'abc1234',
  hostname: 'ci-box',
})
const entry = (name: string, passed = true, tier = 'e2e'): TestEntry => ({
  id: `id-${name}`,
  name,
  suite: 's',
  tier,
  passed,
  duration_ms: 10,
  cost_usd: 0.01,
})
const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as RunFile
const dir = () => mkdtempSync(join(tmpdir(), 'evalbox-writer-'))

describe('RunWriter', () => {
  test('journals each test, writes throttled partials, and a final file per tier at the end', async () => {
    const results = dir()
    const writer = new RunWriter({ resultsDir: results, header: header('run-1'), throttleMs: 20 })
    writer.add(entry('a'))
    writer.add(entry('b', false))
    writer.add(entry('j', true, 'llm-judge'))
    writer.addNotRun({ name: 'later', suite: 's', tier: 'e2e', status: 'todo' })
    const journal = join(results, JOURNAL_DIR, 'run-1.ndjson')
    expect(readFileSync(journal, 'utf8').trim().split('\n')).toHaveLength(1 + 2 + 3 + 1) // header, 2 files, 3 tests, 1 not run
    await new Promise((resolve) => setTimeout(resolve, 60))
    const e2eFile = join(results, '1.0.0-feature-x-e2e-20261121-102030.json')
    expect(read(e2eFile)).toMatchObject({
      _partial: true,
      partial_reason: 'running',
      total_tests: 2,
      passed: 1,
      failed: 1,
    })

    const written = writer.finish(false)
    expect(written.map((w) => w.path).sort()).toEqual([
      e2eFile,
      join(results, '1.0.0-feature-x-llm-judge-20261121-102030.json'),
    ])
    const final = read(e2eFile)
    expect(final._partial).toBeUndefined()
    expect(final).toMatchObject({
      total_tests: 2,
      skipped: 1,
      total_cost_usd: 0.02,
      not_run: [{ name: 'later', status: 'todo' }],
    })
    expect(existsSync(journal)).toBe(false)
  })

  test('a second run starting in the same second gets its own file', () => {
    const results = dir()
    const first = new RunWriter({ resultsDir: results, header: header('run-a') })
    const second = new RunWriter({ resultsDir: results, header: header('run-b') })
    first.add(entry('a'))
    second.add(entry('a'))
    const paths = [...first.finish(false), ...second.finish(false)].map((w) => w.path.split('/').at(-1))
    expect(paths).toEqual([
      '1.0.0-feature-x-e2e-20261121-102030.json',
      '1.0.0-feature-x-e2e-20261121-102030-2.json',
    ])
  })

  test('an unwritable results dir is remembered as a clear error, never thrown; results stay in memory', () => {
    const blocker = join(dir(), 'file')
    writeFileSync(blocker, '')
    const writer = new RunWriter({ resultsDir: join(blocker, 'results'), header: header('run-x') })
    writer.add(entry('a'))
    const [written] = writer.finish(false)
    expect(written!.run.tests.map((t) => t.name)).toEqual(['a'])
    expect(writer.failure?.code).toBe('RESULTS_DIR_UNWRITABLE')
    expect(writer.failure?.message).toContain('(ENOTDIR)')
  })

  test('interrupted: partial files marked interrupted, including cases only a worker journaled', () => {
    const results = dir()
    const writer = new RunWriter({ resultsDir: results, header: header('run-i') })
    writer.add(entry('reported'))
    appendWorkerEntry(results, 'run-i', entry('never reported'))
    flushWorkerJournal()
    const [written] = writer.finish(true)
    const run = read(written!.path)
    expect(run).toMatchObject({ _partial: true, partial_reason: 'interrupted' })
    expect(run.tests.map((t) => t.name).sort()).toEqual(['never reported', 'reported'])
  })

  test('after an interrupt, only cases that finished before it count; the cut-off ones stay not run', () => {
    const results = dir()
    const writer = new RunWriter({ resultsDir: results, header: header('run-sig') })
    const at = Date.parse('2026-11-21T10:21:00.000Z')
    const finished = (name: string, startedAt: string, passed = true): TestEntry => ({
      ...entry(name, passed),
      started_at: startedAt,
    })
    writer.add(finished('before', '2026-11-21T10:20:50.000Z'))
    writer.markInterrupted(at)
    writer.addNotRun({ id: 'id-killed', name: 'killed', suite: 's', tier: 'e2e', status: 'not_run' })
    writer.addNotRun({ id: 'id-late', name: 'late', suite: 's', tier: 'e2e', status: 'not_run' })
    // A worker finished "late" before the interrupt but reported it after; "killed" ended
    // after it (its container removed by the cleanup), failed.
    const late = finished('late', '2026-11-21T10:20:59.000Z')
    const killed = finished('killed', '2026-11-21T10:20:59.995Z', false)
    expect(writer.accepts(late)).toBe(true)
    expect(writer.accepts(killed)).toBe(false)
    appendWorkerEntry(results, 'run-sig', late)
    appendWorkerEntry(results, 'run-sig', killed)
    flushWorkerJournal()
    const [written] = writer.finish(true)
    const expected = { tests: ['before', 'late'], notRun: ['killed'] }
    const names = (run: RunFile) => ({
      tests: run.tests.map((t) => t.name).sort(),
      notRun: (run.not_run ?? []).map((t) => t.name),
    })
    expect(names(read(written!.path))).toEqual(expected)
    // Recovery of the same journals agrees (as if this process had died right after).
    const journal = join(results, JOURNAL_DIR, 'run-sig.ndjson')
    writeFileSync(journal, readFileSync(journal, 'utf8').replace(`"pid":${process.pid}`, '"pid":999999'))
    const [recovered] = recoverInterruptedRuns(
      results,
      () => {},
      () => false,
    )
    expect(names(read(recovered!))).toEqual(expected)
  })

  test('an interrupt before any case finished still leaves a partial file per collected tier', () => {
    const results = dir()
    const writer = new RunWriter({ resultsDir: results, header: header('run-early') })
    writer.writePartials('interrupted')
    expect(readdirSync(results).filter((name) => name.endsWith('.json'))).toEqual([])
    writer.openTiers(['e2e', 'llm-judge'])
    writer.writePartials('interrupted')
    const files = readdirSync(results).filter((name) => name.endsWith('.json'))
    expect(files.sort()).toEqual([
      expect.stringMatching(/^1\.0\.0-feature-x-e2e-/),
      expect.stringMatching(/^1\.0\.0-feature-x-llm-judge-/),
    ])
    const run = read(join(results, files[0]!))
    expect(run).toMatchObject({ _partial: true, partial_reason: 'interrupted', total_tests: 0, tests: [] })
  })
})

/** Writes the journal a process that died (pid 999999) would have left. */
function deadJournal(results: string, runId: string, host = 'ci-box'): void {
  mkdirSync(join(results, JOURNAL_DIR), { recursive: true })
  const lines = [
    { t: 'run', header: { ...header(runId), hostname: host }, pid: 999_999 },
    { t: 'file', tier: 'e2e', path: join(results, '1.0.0-feature-x-e2e-20261121-102030.json') },
    { t: 'test', e: entry('one') },
  ]
  // The last line is torn, as when a process dies mid-write.
  writeFileSync(
    join(results, JOURNAL_DIR, `${runId}.ndjson`),
    `${lines.map((l) => JSON.stringify(l)).join('\n')}\n{"t":"te`,
  )
}

describe('recovering runs that died', () => {
  test('the journals of a dead run become an interrupted partial with every finished case', () => {
    const results = dir()
    deadJournal(results, 'run-dead')
    appendWorkerEntry(results, 'run-dead', entry('one'))
    appendWorkerEntry(results, 'run-dead', entry('two'))
    flushWorkerJournal()
    const written = recoverInterruptedRuns(
      results,
      () => {},
      () => false,
    )
    expect(written).toHaveLength(1)
    const run = read(written[0]!)
    expect(run).toMatchObject({ _partial: true, partial_reason: 'interrupted', total_tests: 2 })
    expect(run.tests.map((t) => t.name).sort()).toEqual(['one', 'two'])
    expect(run.wall_clock_ms).toBeUndefined()
    expect(readdirSync(join(results, JOURNAL_DIR))).toEqual([])
  })

  test('a run that is still alive on this host is left alone', () => {
    const results = dir()
    deadJournal(results, 'run-live', hostname())
    expect(
      recoverInterruptedRuns(
        results,
        () => {},
        () => true,
      ),
    ).toEqual([])
    expect(readdirSync(join(results, JOURNAL_DIR))).toEqual(['run-live.ndjson'])
  })

  test('`evalbox list` recovers dead runs before listing them', async () => {
    const results = dir()
    deadJournal(results, 'run-gone', 'another-host')
    let stdout = ''
    const io = {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: () => true },
      cwd: results,
      env: {},
    }
    expect(await main(['list', '--dir', results], io)).toBe(0)
    expect(stdout).toMatch(/1\.0\.0-feature-x-e2e-20261121-102030\.json \(partial\)/)
    expect(readdirSync(join(results, JOURNAL_DIR))).toEqual([])
  })
})
