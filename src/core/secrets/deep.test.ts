import { describe, expect, it } from 'vitest'
import { redactDeep, redactJson, redactThrown } from './deep.ts'
import { createRedactor } from './redact.ts'

const KEY = 'sk-ant-deep-test-0123456789abcdef'
const redactor = createRedactor([], { ANTHROPIC_API_KEY: KEY, DB_PASSWORD: 'pa55-w0rd-secret' })
const { redact } = redactor
const LABEL = '[REDACTED:ANTHROPIC_API_KEY]'

describe('redactDeep', () => {
  it('redacts strings and keys of plain data; in JSON mode, class instances as JSON writes them', () => {
    class Box {
      constructor(readonly held: string) {}
    }
    const value = { [KEY]: [KEY, 1, null, { nested: `x ${KEY}` }], box: new Box(KEY), when: new Date(0) }
    expect(redactDeep(value, redact)).toMatchObject({ [LABEL]: [LABEL, 1, null, { nested: `x ${LABEL}` }] })
    expect(redactDeep(value, redact).box).toBe(value.box)
    expect(redactDeep(value, redact, true)).toEqual({
      [LABEL]: [LABEL, 1, null, { nested: `x ${LABEL}` }],
      box: { held: LABEL },
      when: '1970-01-01T00:00:00.000Z',
    })
  })
})

describe('redactJson', () => {
  it('returns a clean value itself, uncopied', () => {
    const value = { name: 'row 1', grades: [{ explanation: 'output contains every expected string' }], n: 3 }
    expect(redactJson(value, redactor)).toBe(value)
  })

  // Where a secret sits in a string decides what a regex's look-arounds see: each place (start,
  // end, whole, key, deep, cut with an ellipsis) and each shape must be found in the joined probe.
  const secrets = [
    KEY,
    'pa55-w0rd-secret',
    'sk-proj-0123456789abcdefghijklmnop',
    'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB',
    'AKIAABCDEFGHIJKLMNOP',
    'xoxb-0123456789-abcdefghijklmnop',
    'AIzaSyA0123456789abcdefghijklmnopqrstuv',
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXBhcnQ',
    '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----',
    'https://admin:hunter22@db.internal/x',
  ]
  const places = (secret: string) => [
    { at: secret },
    { at: `${secret} trailing` },
    { at: `leading ${secret}` },
    { [secret]: 1 },
    { deep: [{ list: ['a', `(${secret})`] }] },
    { cut: `${secret.slice(0, 6)}...` },
    { a: 'short', b: secret, c: 'after' },
  ]
  it.each(secrets)('redacts %s wherever it sits, exactly as redactDeep does', (secret) => {
    for (const value of places(secret)) {
      const expected = redactDeep(value, redact, true)
      expect(redactJson(value, redactor)).toEqual(expected)
      if (JSON.stringify(expected) !== JSON.stringify(value))
        expect(redactJson(value, redactor)).not.toBe(value)
    }
  })

  it('copies a value holding anything but plain data, as JSON would write it', () => {
    const value = { when: new Date(0) }
    expect(redactJson(value, redactor)).toEqual({ when: '1970-01-01T00:00:00.000Z' })
  })
})

describe('redactThrown', () => {
  it("redacts an error's message, stack, fields and causes in place", () => {
    const cause = new Error(`cause ${KEY}`)
    const error = Object.assign(new Error(`boom ${KEY}`, { cause }), {
      actual: `got ${KEY}`,
      expected: { v: KEY },
    })
    expect(redactThrown(error, redact)).toBe(error)
    expect(error.message).toBe(`boom ${LABEL}`)
    expect(error.stack).not.toContain(KEY)
    expect(error.actual).toBe(`got ${LABEL}`)
    expect(error.expected).toEqual({ v: LABEL })
    expect(cause.message).toBe(`cause ${LABEL}`)
    expect(redactThrown(`thrown ${KEY}`, redact)).toBe(`thrown ${LABEL}`)
  })
})
