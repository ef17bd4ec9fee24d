import { describe, expect, test } from 'vitest'
import { matchesGlob } from './glob.ts'

describe('matchesGlob', () => {
  test.each([
    ['src/a.ts', 'src/**', true],
    ['src/deep/er/a.ts', 'src/**/*.ts', true],
    ['src/a.ts', 'src/**/*.ts', true],
    ['src/a.js', 'src/**/*.ts', false],
    ['a/README.md', '*.md', false],
    ['a/README.md', '**/*.md', true],
    ['README.md', '**/*.md', true],
    ['test/x.test.js', '{src,test}/**', true],
    ['lib/x.js', '{src,test}/**', false],
    ['src/a1.ts', 'src/a[0-9].ts', true],
    ['src/ab.ts', 'src/a?.ts', true],
    ['src/a/b.ts', 'src/a?b.ts', false],
    ['docs/guide/x.md', 'docs/', true],
    ['./src/a.ts', 'src/*.ts', true],
    ['src/a+b.ts', 'src/a+b.ts', true],
  ])('%s against %s: %s', (path, glob, want) => {
    expect(matchesGlob(path, glob)).toBe(want)
  })
})
