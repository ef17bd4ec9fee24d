import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { decodeBase85Lines, encodeBase85Lines, walkDelta } from './git-binary.ts'

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8' })

/** A repo with a binary file committed and then edited; returns the file's two versions and the patch. */
function binaryEdit(): { before: Buffer; after: Buffer; patch: string } {
  const dir = mkdtempSync(join(tmpdir(), 'evalbox-git-binary-'))
  git(dir, 'init', '-q')
  const before = Buffer.alloc(40_000)
  for (let i = 0; i < before.length; i++) before[i] = (i * 7919) % 251
  writeFileSync(join(dir, 'blob.bin'), before)
  git(dir, 'add', '.')
  git(dir, 'commit', '-qm', 'one')
  const after = Buffer.concat([
    before.subarray(0, 20_000),
    Buffer.from('\0inserted\0'),
    before.subarray(20_000),
  ])
  writeFileSync(join(dir, 'blob.bin'), after)
  return { before, after: readFileSync(join(dir, 'blob.bin')), patch: git(dir, 'diff', '--binary') }
}

describe('git binary encodings', () => {
  it('round-trips base85 lines for every line length', () => {
    for (const size of [0, 1, 3, 4, 5, 26, 27, 51, 52, 53, 200]) {
      const data = Buffer.from(Array.from({ length: size }, (_, i) => (i * 37) % 256))
      expect(decodeBase85Lines(encodeBase85Lines(data))).toEqual(data)
    }
  })

  it('refuses a line whose length letter does not match its body', () => {
    const [line] = encodeBase85Lines(Buffer.from('abcdefgh'))
    expect(() => decodeBase85Lines([`Z${line!.slice(1)}`])).toThrow(/bad line/)
    expect(() => decodeBase85Lines([`${line!.slice(0, -1)}"`])).toThrow(/bad character/)
  })

  it("rebuilds the new file from git's own delta of an edited binary file", () => {
    const { before, after, patch } = binaryEdit()
    const lines = patch.split('\n')
    const start = lines.findIndex((l) => l.startsWith('delta '))
    expect(start, patch).toBeGreaterThan(0)
    const end = lines.indexOf('', start)
    const delta = inflateSync(decodeBase85Lines(lines.slice(start + 1, end)))
    const parts: Buffer[] = []
    let sizes: number[] = []
    walkDelta(delta, {
      sizes: (source, target) => {
        sizes = [source, target]
      },
      copy: (offset, length) => parts.push(before.subarray(offset, offset + length)),
      insert: (data) => parts.push(Buffer.from(data)),
    })
    expect(sizes).toEqual([before.length, after.length])
    expect(Buffer.concat(parts)).toEqual(after)
  })

  it('refuses an unknown delta instruction', () => {
    expect(() => walkDelta(Buffer.from([1, 1, 0]), { copy() {}, insert() {} })).toThrow(/unknown instruction/)
  })
})
