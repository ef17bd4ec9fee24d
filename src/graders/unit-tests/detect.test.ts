import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { detectFramework } from './detect.ts'

const sources = fileURLToPath(new URL('./__fixtures__/captured/sources/', import.meta.url))

describe('detectFramework', () => {
  test.each([
    ['pytest', 'pytest'],
    ['node', 'node'],
    ['vitest', 'vitest'],
    ['jest', 'jest'],
    ['go', 'go'],
    ['cargo', 'cargo'],
    ['maven', 'maven'],
  ])('the %s capture project is %s', async (folder, framework) => {
    expect(await detectFramework(join(sources, folder))).toBe(framework)
  })

  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evalbox-detect-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })
  const project = async (name: string, files: Record<string, string>) => {
    const root = join(dir, name)
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(root, path, '..'), { recursive: true })
      await writeFile(join(root, path), text)
    }
    return root
  }

  test('package.json: the test script first, then dependencies', async () => {
    const both = await project('both', {
      'package.json': JSON.stringify({ scripts: { test: 'jest' }, devDependencies: { vitest: '4' } }),
    })
    expect(await detectFramework(both)).toBe('jest')
    const dep = await project('dep', { 'package.json': JSON.stringify({ devDependencies: { vitest: '4' } }) })
    expect(await detectFramework(dep)).toBe('vitest')
  })

  test('a python project with a tooling package.json is pytest; other runners are not guessed', async () => {
    const py = await project('py', {
      'package.json': JSON.stringify({ devDependencies: { prettier: '3' } }),
      'pyproject.toml': '[project]\nname = "x"\n\n[tool.pytest.ini_options]\naddopts = "-q"\n',
    })
    expect(await detectFramework(py)).toBe('pytest')
    const nested = await project('nested', { 'pkg/test_a.py': '' })
    expect(await detectFramework(nested)).toBe('pytest')
    const mocha = await project('mocha', { 'package.json': JSON.stringify({ scripts: { test: 'mocha' } }) })
    expect(await detectFramework(mocha)).toBeUndefined()
    expect(await detectFramework(await project('empty', { 'README.md': '' }))).toBeUndefined()
    expect(await detectFramework(join(dir, 'missing'))).toBeUndefined()
  })
})
