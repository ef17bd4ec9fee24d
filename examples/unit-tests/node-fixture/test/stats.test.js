import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { max, mean } from '../src/stats.js'

describe('mean', () => {
  test('averages the values', () => {
    assert.equal(mean([2, 4, 6]), 4)
  })
  test('of one value is that value', () => {
    assert.equal(mean([7]), 7)
  })
})

describe('max', () => {
  test('finds the largest value', () => {
    assert.equal(max([3, 9, 2]), 9)
  })
})
