import { test } from 'node:test'

test('parent # with hash', async (t) => {
  await t.test('child one', () => {})
  await t.test('child two', () => {
    throw new Error('boom\n  ...\nok 7 - fake')
  })
})

test('slow', { timeout: 50 }, async () => {
  await new Promise((resolve) => setTimeout(resolve, 500))
})
