import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createRedactor } from '../core/secrets/redact.ts'
import { CaseFiles } from '../eval/case/files.ts'
import { JOURNAL_DIR, Journal, readJournal } from './journal.ts'
import { recoverInterruptedRuns } from './recover.ts'
import { checkResultsDirWritable } from './results-dir.ts'
import { claimRunFile, type RunHeader, writeFileAtomic } from './run-file.ts'
import { RunWriter } from './run-writer.ts'
import type { RunFile, TestEntry } from './schema.ts'

// Real tiny file systems (tmpfs, 1 MB; read-only by remount): mounting needs root. Off CI a
// non-root run skips these; in CI they must run.
const isRoot = process.getuid?.() === 0
if (process.env.CI && !isRoot)
  throw new Error('CI: src/store/full-disk.test.ts mounts a tmpfs and must run as root')

const header: RunHeader = {
  run_id: 'run-full',
  timestamp: '2026-11-21T10:20:30.000Z',
  version: '1.0.0',
  branch: 'main',
  git_sha: 'abc1234',
  hostname: 'ci-box',
}
const entry = (name: string): TestEntry => ({
  id: `id-${name}`,
  name,
  suite: 's',
  tier: 'e2e',
  passed: true,
  duration_ms: 10,
  cost_usd: 0,
  output: 'x'.repeat(2_000),
})

let mount: string
beforeEach(() => {
  if (!isRoot) return
  mount = mkdtempSync(join(tmpdir(), 'evalbox-disk-'))
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mount])
})
afterEach(() => {
  if (!isRoot) return
  execFileSync('umount', ['-l', mount])
  rmSync(mount, { recursive: true, force: true })
})

/** Fills the disk up to its last byte; returns a function that frees the space again. */
function fill(dir: string): () => void {
  const filler = join(dir, 'filler')
  mkdirSync(filler, { recursive: true })
  for (let i = 0; ; i++) {
    try {
      writeFileSync(join(filler, String(i)), Buffer.alloc(i < 200 ? 4096 : 512))
    } catch {
      break
    }
  }
  return () => rmSync(filler, { recursive: true, force: true })
}

describe.skipIf(!isRoot)('a full or read-only results disk', () => {
  test('an atomic write that fails keeps the previous file whole and leaves no temp file', () => {
    const path = join(mount, 'run.json')
    writeFileAtomic(path, '{"ok":1}')
    const free = fill(mount)
    expect(() => writeFileAtomic(path, JSON.stringify({ big: 'y'.repeat(200_000) }))).toThrow(/ENOSPC/)
    expect(readFileSync(path, 'utf8')).toBe('{"ok":1}')
    expect(readdirSync(mount).sort()).toEqual(['filler', 'run.json'])
    free()
  })

  test('claiming a run file on a full disk leaves nothing behind (never an empty file)', () => {
    const results = join(mount, 'results')
    mkdirSync(results)
    const free = fill(mount)
    expect(() => claimRunFile(results, header, 'e2e', 'z'.repeat(100_000))).toThrow(/ENOSPC/)
    expect(readdirSync(results)).toEqual([])
    free()
    const path = claimRunFile(results, header, 'e2e', '{"claimed":true}')
    expect(readFileSync(path, 'utf8')).toBe('{"claimed":true}')
  })

  test('a journal line cut short by a full disk costs only that line', () => {
    const journal = Journal.create(mount, header)
    const free = fill(mount)
    // Fill the journal's last block too, so a line is cut part way.
    let failed = false
    for (let i = 0; i < 50 && !failed; i++) {
      try {
        journal.append({ t: 'test', e: entry(`fits ${i}`) })
      } catch {
        failed = true
      }
    }
    expect(failed).toBe(true)
    free()
    journal.append({ t: 'test', e: entry('after') })
    journal.close(false)
    const names = readJournal(join(mount, JOURNAL_DIR, 'run-full.ndjson'))!.tests.map((t) => t.name)
    expect(names.at(-1)).toBe('after')
    expect(names.length).toBeGreaterThan(1)
  })

  test('the writer keeps every result in memory, says what was saved, and its journal recovers them', () => {
    const writer = new RunWriter({ resultsDir: mount, header, throttleMs: 0 })
    writer.add(entry('one'))
    writer.add(entry('two'))
    const free = fill(mount)
    for (let i = 0; i < 40; i++) writer.add(entry(`later ${i}`))
    const [written] = writer.finish(false)
    expect(written!.run.tests).toHaveLength(42)
    expect(writer.failure?.code).toBe('RESULTS_DIR_UNWRITABLE')
    expect(writer.failure?.message).toContain(
      `Cannot write eval results to ${mount}: no space left on the device (ENOSPC)`,
    )
    expect(writer.failure?.message).toMatch(
      /lists its 42 finished cases; at least \d+ of them are in the journal/,
    )
    for (const name of readdirSync(mount).filter((n) => n.endsWith('.json'))) {
      expect(() => JSON.parse(readFileSync(join(mount, name), 'utf8'))).not.toThrow()
    }
    free()
    const journal = join(mount, JOURNAL_DIR, 'run-full.ndjson')
    writeFileSync(journal, readFileSync(journal, 'utf8').replace(`"pid":${process.pid}`, '"pid":999999'))
    const [file] = recoverInterruptedRuns(
      mount,
      () => {},
      () => false,
    )
    const names = (JSON.parse(readFileSync(file!, 'utf8')) as RunFile).tests.map((t) => t.name)
    expect(names.slice(0, 2)).toEqual(['one', 'two'])
  })

  test('a case file that cannot be written is recorded, removed, and never thrown to the agent', async () => {
    const files = new CaseFiles(mount, join(mount, 'runs', 'r1'), 'suite › case', createRedactor([]))
    expect(await files.keep('small.txt', 'fine')).toMatch(/^runs\/r1\/.+\/small\.txt$/)
    const free = fill(mount)
    expect(await files.keep('big.bin', Buffer.alloc(300_000))).toBeUndefined()
    files.log('x'.repeat(300_000))
    await files.close()
    expect(files.error).toMatch(
      /^could not write runs\/r1\/.+\/big\.bin: no space left on the device \(ENOSPC\)$/,
    )
    expect(readdirSync(files.directory()!).sort()).toEqual(['agent.log', 'small.txt'])
    free()
  })

  test('the check at start names the real cause: a full disk, a read-only mount', () => {
    const free = fill(mount)
    expect(() => checkResultsDirWritable(join(mount, 'results'))).toThrow(
      `Cannot write eval results to ${join(mount, 'results')}: no space left on the device (ENOSPC). No case was run.`,
    )
    free()
    execFileSync('mount', ['-o', 'remount,ro', mount])
    // Node's mkdir -p says ENOENT here; the check finds the true cause.
    const nested = join(mount, 'a', 'b', '.evals')
    expect(() => checkResultsDirWritable(nested)).toThrow(
      `Cannot write eval results to ${nested}: the file system is read-only (EROFS).`,
    )
    expect(() => checkResultsDirWritable(mount)).toThrow(/the file system is read-only \(EROFS\)/)
  })
})
