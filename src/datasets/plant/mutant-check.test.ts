import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { openMutantChecker } from './mutant-check.ts'

let fixture: string
beforeAll(async () => {
  fixture = await mkdtemp(join(tmpdir(), 'evalbox-mutant-'))
  await writeFile(join(fixture, 'package.json'), '{"type":"module"}')
  await writeFile(join(fixture, 'max.js'), 'export const max = (a, b) => (a > b ? a : b)\n')
  await writeFile(
    join(fixture, 'max.test.js'),
    "import { test } from 'node:test'\nimport assert from 'node:assert'\nimport { max } from './max.js'\ntest('max', () => assert.equal(max(1, 2), 2))\n",
  )
})
afterAll(async () => {
  await rm(fixture, { recursive: true, force: true })
})

test('a mutant counts as caught only when it parses and the tests fail; files are restored', {
  timeout: 30_000,
}, async () => {
  await using checker = await openMutantChecker(fixture, { command: 'node --test', timeoutMs: 20_000 })
  const mutant = (code: string) => new Map([['max.js', code]])
  expect(await checker.caught(mutant('export const max = (a, b) => (a < b ? a : b)\n'))).toBe(true)
  // Equivalent for the tests: survives.
  expect(await checker.caught(mutant('export const max = (a, b) => (a >= b ? a : b)\n'))).toBe(false)
  // A syntax error makes the tests fail too, but it is no planted bug.
  expect(await checker.caught(mutant('export const max = (a, b) => (a > b ? a :: b)\n'))).toBe(false)
  // Nothing of the earlier mutants is left behind: the clean text passes.
  expect(await checker.caught(mutant('export const max = (a, b) => (a > b ? a : b)\n'))).toBe(false)
})
