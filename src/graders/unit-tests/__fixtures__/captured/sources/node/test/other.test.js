import assert from 'node:assert/strict'
import { test } from 'node:test'
import { add } from '../calc.js'

test('other file adds', () => {
  assert.equal(add(1, 2), 3)
})
