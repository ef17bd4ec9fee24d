import { describe, expect, it } from 'vitest'
import { jsonForScript } from './embed-json.ts'

describe('jsonForScript', () => {
  it('round-trips through JSON.parse with no markup-significant characters left', () => {
    const value = {
      output: '</script><img src=x onerror=alert(1)><!-- <script> & \u2028\u2029',
      n: [1, null],
    }
    const text = jsonForScript(value)
    expect(text).not.toMatch(/[<>&\u2028\u2029]/)
    expect(JSON.parse(text)).toEqual(value)
  })
})
