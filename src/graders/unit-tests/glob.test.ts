import { describe, expect, test } from 'vitest'
import { globMatcher, globToRegExp } from './glob.ts'

describe('globToRegExp', () => {
  test.each([
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
    ['pytest.ini', 'pytest.ini', true],
    ['pytest.ini', 'sub/pytest.ini', false],
    ['**/*.test.*', 'src/a.test.ts', true],
    ['**/*.test.*', 'src/a.test', false],
    ['**/test.{js,mjs}', 'x/test.mjs', true],
    ['**/test.{js,mjs}', 'x/test.ts', false],
    ['*.py', 'a/b.py', false],
    ['?.py', 'ab.py', false],
    ['a+b(c).py', 'a+b(c).py', true],
  ])('%s against %s → %s', (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected)
  })

  test('globMatcher accepts a path matching any glob', () => {
    const isTest = globMatcher(['**/*_test.go', '**/testdata/**'])
    expect(isTest('pkg/a_test.go')).toBe(true)
    expect(isTest('pkg/testdata/in.txt')).toBe(true)
    expect(isTest('pkg/a.go')).toBe(false)
  })
})
