const { test } = require('@jest/globals')
const { missing } = require('./does-not-exist.js')

test('never runs', () => {
  missing()
})
