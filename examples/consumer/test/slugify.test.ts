import { expect, test } from 'vitest'
import { slugify } from '../src/slugify.ts'

test('slugify keeps letters and digits', () => {
  expect(slugify('Hello, World 2')).toBe('hello-world-2')
})
