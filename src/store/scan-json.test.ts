import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { scanTopLevel } from './scan-json.ts'

const dir = mkdtempSync(join(tmpdir(), 'evalbox-scan-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
function file(text: string): string {
  const path = join(dir, `${n++}.json`)
  writeFileSync(path, text)
  return path
}

function scan(text: string, chunkSize: number, lifted = ['tests']) {
  const elements: unknown[] = []
  const result = scanTopLevel(file(text), new Set(lifted), (_, t) => elements.push(JSON.parse(t)), chunkSize)
  return {
    header: JSON.parse(result.header) as Record<string, unknown>,
    elements,
    truncated: result.truncated,
  }
}

const TRICKY = {
  'tier"x': 'a "quoted" } ] , : value \\ end',
  tests: [
    { name: 'a, b', nested: { tests: [1, 2], s: '[{"x":1}]' }, list: [[1], []] },
    'a string element, with ] and }',
    42,
    null,
    true,
    { unicode: 'é ✓ 🚀', escaped: '\\"\u0000' },
  ],
  after: { tests: 'not lifted: nested' },
  not_run: [{ name: 'x' }],
  n: -1.5e3,
}

describe('scanTopLevel', () => {
  for (const chunkSize of [1, 2, 3, 7, 64, 1 << 20]) {
    for (const spacing of [undefined, 2]) {
      it(`lifts the tests array out, element by element (chunks of ${chunkSize}, indent ${spacing ?? 0})`, () => {
        const { header, elements, truncated } = scan(JSON.stringify(TRICKY, null, spacing), chunkSize)
        expect(truncated).toBe(false)
        expect(header).toEqual({ ...TRICKY, tests: [] })
        expect(elements).toEqual(TRICKY.tests)
      })
    }
  }

  it('lifts several keys, keeps an empty array and a non-array value as they are', () => {
    const text = JSON.stringify({ tests: [], not_run: [{ a: 1 }, { b: [2] }], other: 3, odd: { tests: 1 } })
    const elements: Array<[string, unknown]> = []
    const result = scanTopLevel(file(text), new Set(['tests', 'not_run', 'other']), (k, t) =>
      elements.push([k, JSON.parse(t)]),
    )
    expect(JSON.parse(result.header)).toEqual({ tests: [], not_run: [], other: 3, odd: { tests: 1 } })
    expect(elements).toEqual([
      ['not_run', { a: 1 }],
      ['not_run', { b: [2] }],
    ])
  })

  it('says when the file ends before the object closes', () => {
    const text = JSON.stringify(TRICKY)
    expect(scanTopLevel(file(text.slice(0, text.length - 1)), new Set(['tests'])).truncated).toBe(true)
    expect(scanTopLevel(file(text.slice(0, 40)), new Set(['tests'])).truncated).toBe(true)
  })
})
