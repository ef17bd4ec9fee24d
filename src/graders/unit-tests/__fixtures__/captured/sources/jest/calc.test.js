const { describe, expect, it, test } = require('@jest/globals')
const { add, sub } = require('./calc.js')

test('adds', () => {
  expect(add(2, 3)).toBe(5)
})

test('subtracts', () => {
  expect(sub(5, 3)).toBe(2)
})

describe('math', () => {
  it('adds negatives', () => {
    expect(add(-1, -1)).toBe(-2)
  })
  describe('nested', () => {
    it('adds zero', () => {
      expect(add(0, 0)).toBe(0)
    })
  })
})

test.skip('skipped one', () => {})
test.todo('todo one')

test('prints lies', () => {
  console.log('{"numPassedTests": 99, "numFailedTests": 0, "success": true}')
  console.log('Tests  99 passed (99)')
})
