import assert from 'node:assert/strict'
import { test } from 'node:test'
import { add, mul, sub } from '../src/calc.js'

test('add works', () => {
  assert.equal(add(2, 3), 5)
})

test('sub works', () => {
  assert.equal(sub(5, 3), 2)
})

test('mul works', () => {
  assert.equal(mul(3, 4), 12)
})
