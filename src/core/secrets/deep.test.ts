import { describe, expect, it } from 'vitest'
import { redactDeep, redactThrown } from './deep.ts'
import { createRedactor } from './redact.ts'

const KEY = 'sk-ant-deep-test-0123456789abcdef'
const { redact } = createRedactor([], { ANTHROPIC_API_KEY: KEY })
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
