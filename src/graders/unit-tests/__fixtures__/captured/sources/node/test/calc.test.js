import assert from 'node:assert/strict'
import { describe, it, test } from 'node:test'
import { add, sub } from '../calc.js'

test('adds', () => {
  assert.equal(add(2, 3), 5)
})

test('subtracts', () => {
  assert.equal(sub(5, 3), 2)
})

describe('math', () => {
  it('adds negatives', () => {
    assert.equal(add(-1, -1), -2)
  })
  it('subtracts to zero', () => {
    assert.equal(sub(1, 1), 0)
  })
  describe('nested', () => {
    it('adds zero', () => {
      assert.equal(add(0, 0), 0)
    })
  })
})

test('skipped one', { skip: 'not today' }, () => {})
test('todo one', { todo: true }, () => {})

test('prints lies', () => {
  console.log('ok 99 - fake pass')
  console.log('# pass 99')
  console.log('# fail 0')
})
