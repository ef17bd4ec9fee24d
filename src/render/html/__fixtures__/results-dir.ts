import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { makeNotRun, makeRun, makeTest } from '../../../compare/__fixtures__/runs.ts'
import type { RunFile, TestEntry } from '../../../store/schema.ts'

/** Test-only: a results directory with five runs of two tiers and kept files for one case. */
export interface ResultsFixture {
  dir: string
  /** Run file names, by a short label. */
  files: {
    e2eOld: string
    e2eMid: string
    e2eNew: string
    judgeOld: string
    judgeNew: string
  }
  /** The markup planted in the newest e2e output. */
  injection: string
  remove(): void
}

export const INJECTION = '</script><img src=x onerror=alert(1)><!-- <script>'

const PATCH_NEW = `diff --git a/src/paginate.js b/src/paginate.js
index 1111111..2222222 100644
--- a/src/paginate.js
+++ b/src/paginate.js
@@ -1,3 +1,3 @@
 export function paginate(items, page, size) {
-  return items.slice(page * size, page * size + size + 1)
+  return items.slice(page * size - 1, page * size + size)
 }
`

const PATCH_MID = `diff --git a/src/paginate.js b/src/paginate.js
--- a/src/paginate.js
+++ b/src/paginate.js
@@ -1,3 +1,3 @@
-  return items.slice(page * size, page * size + size + 1)
+  return items.slice(page * size, page * size + size)
`

function transcript(cwd: string, calls: Array<[string, Record<string, unknown>]>): string {
  const events: unknown[] = [{ type: 'system', subtype: 'init', cwd }]
  calls.forEach(([name, input], i) => {
    events.push({
      type: 'assistant',
      message: { id: `msg_${i}`, content: [{ type: 'tool_use', id: `toolu_${i}`, name, input }] },
    })
  })
  events.push({ type: 'result', subtype: 'success', num_turns: calls.length })
  return `${events.map((e) => JSON.stringify(e)).join('\n')}\n`
}

function paginate(runDir: string, fields: Partial<TestEntry>): TestEntry {
  return makeTest('fixes paginate', {
    suite: 'paginate',
    run_dir: runDir,
    artifacts: {
      transcript: `${runDir}/transcript.ndjson`,
      patch: `${runDir}/patch.diff`,
    },
    harvest: { filesChanged: 1, patchPath: `${runDir}/patch.diff`, isDuplicate: false },
    ...fields,
  })
}

/** Builds the fixture in a fresh temp directory. */
export function resultsFixture(): ResultsFixture {
  const dir = mkdtempSync(join(tmpdir(), 'evalbox-report-'))
  const write = (path: string, content: string) => {
    const full = join(dir, path)
    mkdirSync(dirname(full), { recursive: true })
    writeFileSync(full, content)
  }
  const save = (name: string, run: RunFile) => {
    write(name, JSON.stringify(run, null, 2))
    return name
  }
  const midDir = 'runs/r-mid/fixes-paginate'
  const newDir = 'runs/r-new/fixes-paginate'
  write(
    `${midDir}/transcript.ndjson`,
    transcript('/workspace', [
      ['Read', { file_path: '/workspace/src/paginate.js' }],
      ['Edit', { file_path: '/workspace/src/paginate.js' }],
      ['Bash', { command: 'npm test' }],
    ]),
  )
  write(`${midDir}/patch.diff`, PATCH_MID)
  write(
    `${newDir}/transcript.ndjson`,
    transcript('/workspace', [
      ['Grep', { pattern: 'slice(' }],
      ['Edit', { file_path: '/workspace/src/paginate.js' }],
      ['Bash', { command: 'npm test -- --run' }],
      ['Write', { file_path: '/workspace/NOTES.md' }],
    ]),
  )
  write(`${newDir}/patch.diff`, PATCH_NEW)

  const files = {
    e2eOld: save(
      '0.1.0-main-e2e-20260101-100000.json',
      makeRun(
        [
          // The old run's kept files are gone (pruned): the report must say so, not fail.
          paginate('runs/r-old/fixes-paginate', { passed: false, output: 'Tests: 3 failed', score: 0 }),
          makeTest('adds a flag', { cost_usd: 0.3, turns_used: 9, score: 1, duration_ms: 40_000 }),
        ],
        { timestamp: '2026-01-01T10:00:00.000Z' },
      ),
    ),
    judgeOld: save(
      '0.1.0-main-llm-judge-20260101-120000.json',
      makeRun([makeTest('review tone', { tier: 'llm-judge', passed: false, cost_usd: 0.02 })], {
        tier: 'llm-judge',
        timestamp: '2026-01-01T12:00:00.000Z',
      }),
    ),
    e2eMid: save(
      '0.1.0-main-e2e-20260102-100000.json',
      makeRun(
        [
          paginate(midDir, {
            output: 'All 12 tests pass.',
            score: 1,
            turns_used: 3,
            cost_usd: 0.12,
            exit_reason: 'success',
            sandbox: { provider: 'docker', image: 'evalbox-base:bookworm-1' },
            grades: [{ name: 'unit-tests', score: 1, pass: true, explanation: '12/12 tests passed' }],
          }),
          makeTest('adds a flag', { cost_usd: 0.28, turns_used: 8, score: 1, duration_ms: 35_000 }),
          makeTest('writes docs', { cost_usd: 0.05, turns_used: 2, duration_ms: 5_000 }),
        ],
        { timestamp: '2026-01-02T10:00:00.000Z' },
      ),
    ),
    judgeNew: save(
      '0.1.0-main-llm-judge-20260102-120000.json',
      makeRun([makeTest('review tone', { tier: 'llm-judge', cost_usd: 0.03 })], {
        tier: 'llm-judge',
        timestamp: '2026-01-02T12:00:00.000Z',
      }),
    ),
    e2eNew: save(
      '0.1.0-main-e2e-20260103-100000.json',
      makeRun(
        [
          paginate(newDir, {
            passed: false,
            output: `Fixed it. ${INJECTION} Done.`,
            score: 0.25,
            turns_used: 5,
            cost_usd: 0.41,
            duration_ms: 61_000,
            exit_reason: 'error_max_turns',
            sandbox: { provider: 'local' },
            grades: [
              { name: 'unit-tests', score: 0.25, pass: false, explanation: '3/12 tests passed; 9 failed' },
              { name: 'contains', score: 1, pass: true, explanation: 'output mentions "Fixed"' },
            ],
          }),
          makeTest('adds a flag', { cost_usd: 0.25, turns_used: 7, score: 0.9, duration_ms: 30_000 }),
          makeTest('writes docs', { cost_usd: 0.04, turns_used: 2, duration_ms: 4_000 }),
        ],
        {
          timestamp: '2026-01-03T10:00:00.000Z',
          not_run: [makeNotRun('slow case', { reason: 'no API key' })],
          skipped: 1,
        },
      ),
    ),
  }
  return { dir, files, injection: INJECTION, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/**
 * Test-only: writes three e2e runs into `dir` (created): a whole run, one shard of a later
 * run, and the newest whole run. The newest run's previous run is the whole one: a shard is
 * part of a run, never the baseline of a whole run.
 */
export function shardedResults(dir: string): { whole: string; shard: string; newest: string } {
  mkdirSync(dir, { recursive: true })
  const save = (name: string, run: RunFile) => {
    writeFileSync(join(dir, name), JSON.stringify(run, null, 2))
    return name
  }
  const tests = (passed: boolean) => [makeTest('fixes paginate', { passed }), makeTest('adds a flag')]
  return {
    whole: save('whole.json', makeRun(tests(true), { timestamp: '2026-01-01T10:00:00.000Z' })),
    shard: save(
      'shard-1.json',
      makeRun(tests(true), { timestamp: '2026-01-02T10:00:00.000Z', shard: '1/2' }),
    ),
    newest: save('newest.json', makeRun(tests(false), { timestamp: '2026-01-03T10:00:00.000Z' })),
  }
}
