import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { capText, readKeptFile } from './kept-file.ts'

const dir = mkdtempSync(join(tmpdir(), 'evalbox-kept-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('capText', () => {
  it('keeps short text and cuts long text without splitting a character', () => {
    expect(capText('abc', 3)).toEqual({ text: 'abc', truncated: false, bytes: 3 })
    // 'é' is two bytes: a cut after 2 bytes would land inside the second one.
    expect(capText('aéé', 4)).toEqual({ text: 'aé', truncated: true, bytes: 5 })
  })
})

describe('readKeptFile', () => {
  it('reads at most maxBytes and reports the full size', () => {
    writeFileSync(join(dir, 'big.txt'), 'x'.repeat(1000))
    expect(readKeptFile(dir, 'big.txt', 10, 'output')).toEqual({
      ok: true,
      block: { text: 'x'.repeat(10), truncated: true, bytes: 1000 },
    })
  })

  it('turns missing files and paths outside the directory into notes', () => {
    expect(readKeptFile(dir, 'gone.txt', 10, 'patch')).toEqual({
      ok: false,
      note: 'The patch file gone.txt is missing.',
    })
    expect(readKeptFile(join(dir, 'sub'), '../big.txt', 10, 'patch')).toMatchObject({ ok: false })
    expect(readKeptFile(dir, '', 10, 'patch')).toMatchObject({ ok: false })
  })
})
