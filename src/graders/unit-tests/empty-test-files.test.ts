import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { createLocalSandbox } from '../../sandbox/local/local-sandbox.ts'
import { expectedTestFiles } from './empty-test-files.ts'

let fixture: string
beforeAll(async () => {
  fixture = await mkdtemp(join(tmpdir(), 'evalbox-empty-files-'))
  await mkdir(join(fixture, 'test'))
  await writeFile(join(fixture, 'test/calc.test.js'), "import { test } from 'node:test'\n")
  await writeFile(join(fixture, 'test/cases.js'), "import { it } from 'node:test'\nit('x', () => {})\n")
  await writeFile(join(fixture, 'test/helpers.js'), 'export const samples = []\n')
})
afterAll(async () => {
  await rm(fixture, { recursive: true, force: true })
})

test('files named as tests or using node:test count; helpers, unknown files do not; outside paths do', async () => {
  await using sandbox = await createLocalSandbox({ workspace: fixture })
  const at = (path: string) => `${sandbox.workdir}/${path}`
  const expected = await expectedTestFiles(
    [
      at('test/calc.test.js'),
      at('test/cases.js'),
      at('test/helpers.js'),
      at('test/made-by-agent.js'),
      at('src/new-test.mjs'),
      '/elsewhere/test/x.js',
    ],
    sandbox,
    fixture,
  )
  expect(expected).toEqual(['test/calc.test.js', 'test/cases.js', 'src/new-test.mjs', '/elsewhere/test/x.js'])
  expect(await expectedTestFiles([], sandbox, fixture)).toEqual([])
})
