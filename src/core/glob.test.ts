import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { escapeGlob, findFiles, findFilesSync, globMatcher, matchesGlob, normalizeGlob } from './glob.ts'

describe('matchesGlob: the one dialect', () => {
  test.each([
    // `**` spans folders, none included
    ['**/test_*.py', 'test_a.py', true],
    ['**/test_*.py', 'pkg/sub/test_a.py', true],
    ['**/test_*.py', 'pkg/mytest_a.py', false],
    ['**/tests/**', 'tests', true],
    ['**/tests/**', 'a/tests/b/c.rs', true],
    ['**/tests/**', 'a/tests.rs', false],
    ['src/test/**', 'src/test/java/A.java', true],
    ['src/test/**', 'lib/src/test/A.java', false],
    ['a/**/b.js', 'a/b.js', true],
    ['a/**/b.js', 'a/x/y/b.js', true],
    ['src/**', 'src/deep/er/a.ts', true],
    ['src/**/*.ts', 'src/a.ts', true],
    ['src/**/*.ts', 'src/a.js', false],
    // `tests/**` is the folder too; a plain name is that path only
    ['tests/**', 'tests', true],
    ['tests/**', 'tests/a/b.py', true],
    ['tests', 'tests', true],
    ['tests', 'tests/a.py', false],
    // a trailing `/` is the folder and everything under it
    ['tests/', 'tests/a.py', true],
    ['tests/', 'tests/a/b.py', true],
    ['docs/', 'docs/guide/x.md', true],
    ['tests/', 'testsx/a.py', false],
    // without `/`: the root only
    ['pytest.ini', 'pytest.ini', true],
    ['pytest.ini', 'sub/pytest.ini', false],
    ['*.py', 'a/b.py', false],
    ['*.md', 'a/README.md', false],
    ['**/*.md', 'README.md', true],
    // `*`, `?` stay within a name
    ['**/*.test.*', 'src/a.test.ts', true],
    ['**/*.test.*', 'src/a.test', false],
    ['?.py', 'ab.py', false],
    ['src/a?b.ts', 'src/a/b.ts', false],
    ['src/a?.ts', 'src/ab.ts', true],
    // classes and alternatives
    ['test_[ab].py', 'test_a.py', true],
    ['test_[ab].py', 'test_c.py', false],
    ['test_[!ab].py', 'test_c.py', true],
    ['test_[!ab].py', 'test_a.py', false],
    ['test_[^ab].py', 'test_c.py', true],
    ['src/a[0-9].ts', 'src/a1.ts', true],
    ['**/test.{js,mjs}', 'x/test.mjs', true],
    ['**/test.{js,mjs}', 'x/test.ts', false],
    ['{src,test}/**', 'test/x.test.js', true],
    ['{src,test}/**', 'lib/x.js', false],
    // dotfiles are ordinary names
    ['**/*.py', '.hidden/x.py', true],
    ['**/node_modules/**', '.pnpm/node_modules/x/index.js', true],
    ['*', '.env', true],
    // case-sensitive
    ['**/*.PY', 'x.py', false],
    ['Tests/**', 'tests/a.py', false],
    // `./` and `\`
    ['src/*.ts', './src/a.ts', true],
    ['./src/*.ts', 'src/a.ts', true],
    ['src/*.ts', 'src\\a.ts', true],
    // regular-expression characters are literal
    ['a+b(c).py', 'a+b(c).py', true],
    ['src/a+b.ts', 'src/a+b.ts', true],
    ['a.py', 'axpy', false],
  ])('%s against %s → %s', (glob, path, expected) => {
    expect(matchesGlob(path, glob)).toBe(expected)
  })

  test('a list matches when any pattern does and no `!` pattern does', () => {
    const isTest = globMatcher(['**/*_test.go', '**/testdata/**'])
    expect(isTest('pkg/a_test.go')).toBe(true)
    expect(isTest('pkg/testdata/in.txt')).toBe(true)
    expect(isTest('pkg/a.go')).toBe(false)
    const src = globMatcher(['src/**', '!src/gen/**'])
    expect(src('src/a.ts')).toBe(true)
    expect(src('src/gen/a.ts')).toBe(false)
    expect(globMatcher(['!docs/**'])('src/a.ts')).toBe(true)
    expect(globMatcher(['!docs/**'])('docs/a.md')).toBe(false)
    expect(globMatcher([])('a')).toBe(false)
  })

  test('escapeGlob makes a path a glob of that path only', () => {
    const glob = escapeGlob('app/[id]/{a,b}/(x)!+@*?.ts')
    expect(matchesGlob('app/[id]/{a,b}/(x)!+@*?.ts', glob)).toBe(true)
    expect(matchesGlob('app/i/a/(x)!+@xx.ts', glob)).toBe(false)
  })

  test('normalizeGlob writes the dialect for both libraries', () => {
    expect(normalizeGlob('./tests/')).toBe('tests/**')
    expect(normalizeGlob('[!ab]x[!c]')).toBe('[^ab]x[^c]')
    expect(normalizeGlob('\\[!ab]')).toBe('\\[!ab]')
  })
})

describe('findFiles', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evalbox-glob-'))
    for (const path of [
      'a.json',
      '.hidden.json',
      'b.txt',
      'sub/c.json',
      'node_modules/d.json',
      'x.json/e.txt',
    ]) {
      await mkdir(join(dir, path, '..'), { recursive: true })
      await writeFile(join(dir, path), '{}')
    }
    await symlink(join(dir, 'a.json'), join(dir, 'link.json'))
    await symlink(join(dir, 'sub'), join(dir, 'linked-sub'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  test('lists the regular files the globs match, sorted, dotfiles included, links left out', async () => {
    expect(await findFiles(dir, '**/*.json', { skipDirs: ['node_modules'] })).toEqual([
      '.hidden.json',
      'a.json',
      'sub/c.json',
    ])
    expect(await findFiles(dir, '*.json')).toEqual(['.hidden.json', 'a.json'])
    expect(findFilesSync(dir, ['**/*.json', '!sub/**', '!node_modules/'])).toEqual(['.hidden.json', 'a.json'])
  })

  test('walks as the matcher matches: `[ab]` classes, `[!ab]`, trailing `/`', async () => {
    expect(await findFiles(dir, '[ab].*')).toEqual(['a.json', 'b.txt'])
    expect(await findFiles(dir, '[!a].*')).toEqual(['b.txt'])
    expect(await findFiles(dir, 'sub/')).toEqual(['sub/c.json'])
  })

  test('`deep: 1` lists the folder only; a missing folder lists nothing', async () => {
    expect(findFilesSync(dir, '**/*.json', { deep: 1 })).toEqual(['.hidden.json', 'a.json'])
    expect(await findFiles(join(dir, 'missing'), '**')).toEqual([])
  })
})
