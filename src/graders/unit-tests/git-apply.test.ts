import { describe, expect, test } from 'vitest'
import { gitFile, gitPatch } from '../../agents/git-patch.ts'
import { applyFilePatch, parseGitPatch } from './git-apply.ts'

const text = (data: string) => gitFile('100644', Buffer.from(data))

describe('parseGitPatch and applyFilePatch', () => {
  test('a type change is a deletion and a creation of the same path, applied in order', () => {
    const before = new Map([['x', gitFile('120000', Buffer.from('target'))]])
    const after = new Map([['x', text('now a file\n')]])
    const sections = parseGitPatch(gitPatch(before, after).patch)
    expect(sections.map((s) => [s.path, s.oldMode, s.newMode])).toEqual([
      ['x', '120000', undefined],
      ['x', undefined, '100644'],
    ])
    const gone = applyFilePatch(sections[0]!, before.get('x'))
    expect(gone).toBeUndefined()
    expect(applyFilePatch(sections[1]!, gone)?.data.toString()).toBe('now a file\n')
  })

  test('what git apply refuses is refused, naming the file', () => {
    const [edit] = parseGitPatch(
      gitPatch(new Map([['a.txt', text('a\n')]]), new Map([['a.txt', text('b\n')]])).patch,
    )
    expect(() => applyFilePatch(edit!, undefined)).toThrow(/^a\.txt: does not exist in the verifier$/)
    expect(() => applyFilePatch(edit!, gitFile('100755', Buffer.from('a\n')))).toThrow(
      /a\.txt: has mode 100755/,
    )
    const [added] = parseGitPatch(gitPatch(new Map(), new Map([['n.txt', text('n\n')]])).patch)
    expect(() => applyFilePatch(added!, text('already\n'))).toThrow(/n\.txt: already exists/)
    const noData =
      'diff --git a/img.png b/img.png\nindex 1111111..2222222 100644\nBinary files a/img.png and b/img.png differ\n'
    expect(() => applyFilePatch(parseGitPatch(noData)[0]!, text('x'))).toThrow(
      /img\.png: the patch has no binary data/,
    )
    const submodule = 'diff --git a/lib b/lib\nnew file mode 160000\nindex 0000000..1234567\n'
    expect(() => parseGitPatch(submodule)).toThrow(/lib: mode 160000 is not a file or a link/)
    const [binary] = parseGitPatch(
      gitPatch(new Map(), new Map([['b.bin', gitFile('100644', Buffer.from([0, 1, 2]))]])).patch.replace(
        /^literal 3\n./m,
        'literal 3\n~',
      ),
    )
    expect(() => applyFilePatch(binary!, undefined)).toThrow(/b\.bin: corrupt binary patch/)
  })
})
