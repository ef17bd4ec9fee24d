import assert from 'node:assert/strict'
import { test } from 'node:test'
import { double } from '../double.js'

test('doubles', () => {
  assert.equal(double(2), 4)
})
