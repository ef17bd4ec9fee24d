import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import type { TestEntry } from './schema.ts'
import { appendWorkerEntry, readWorkerEntries, workerJournals } from './worker-journal.ts'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const entry = (name: string): TestEntry => ({
  name,
  suite: 's',
  tier: 'e2e',
  passed: true,
  duration_ms: 1,
  cost_usd: 0,
  id: name,
})

it('writes the cases of one event-loop turn together at the end of the turn, every one of them', async () => {
  const results = mkdtempSync(join(tmpdir(), 'evalbox-wj-'))
  dirs.push(results)
  for (const name of ['a', 'b', 'c']) appendWorkerEntry(results, 'run-1', entry(name))
  const [path] = workerJournals(results, 'run-1')
  expect(path && existsSync(path) ? readFileSync(path, 'utf8') : '').toBe('')
  await new Promise((resolve) => setImmediate(resolve))
  expect(readWorkerEntries(results, 'run-1').map((e) => e.name)).toEqual(['a', 'b', 'c'])
  appendWorkerEntry(results, 'run-1', entry('d'))
  await new Promise((resolve) => setImmediate(resolve))
  expect(readFileSync(workerJournals(results, 'run-1')[0]!, 'utf8').split('\n')).toHaveLength(5)
})
