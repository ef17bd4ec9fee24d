import assert from 'node:assert/strict'
import { test } from 'node:test'
import { add, sub } from '../calc.js'

test('adds', () => {
  assert.equal(add(2, 3), 5)
})

test('subtracts', () => {
  assert.equal(sub(5, 3), 2)
})
