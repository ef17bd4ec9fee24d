import { describe, expect, test } from 'vitest'
import { entryNameInTree, linkTargetInTree, relativeLinkText, resolveSandboxPath } from './paths.ts'

describe('sandbox paths', () => {
  test('resolves relative paths against the workdir and keeps absolute ones', () => {
    expect(resolveSandboxPath('/workspace', 'src/a.ts')).toBe('/workspace/src/a.ts')
    expect(resolveSandboxPath('/workspace', '../home/output')).toBe('/home/output')
    expect(resolveSandboxPath('/workspace', '/etc/hosts')).toBe('/etc/hosts')
    expect(() => resolveSandboxPath('/workspace', '')).toThrow(/non-empty sandbox path, got `""`/)
  })

  test('entry names must stay inside the tree', () => {
    expect(entryNameInTree('./a//b/')).toBe('a/b')
    expect(entryNameInTree('.')).toBe('')
    expect(entryNameInTree('a/../../x')).toBeNull()
    expect(entryNameInTree('a/..')).toBeNull()
    expect(entryNameInTree('/etc/passwd')).toBeNull()
  })

  test('link targets resolve lexically against the link folder', () => {
    expect(linkTargetInTree('/w/out', 'a/link', 'x')).toBe('a/x')
    expect(linkTargetInTree('/w/out', 'a/link', '../b/c')).toBe('b/c')
    expect(linkTargetInTree('/w/out', 'a/link', '..')).toBe('')
    expect(linkTargetInTree('/w/out', 'a/link', '../..')).toBeNull()
    expect(linkTargetInTree('/w/out', 'link', '/w/out/a/')).toBe('a')
    expect(linkTargetInTree('/w/out', 'link', '/w/outside')).toBeNull()
    expect(linkTargetInTree('/w/out', 'link', '/etc/passwd')).toBeNull()
    expect(linkTargetInTree('/', 'etc/link', '/etc/passwd')).toBe('etc/passwd')
  })

  test('accepted links are rewritten relative to their own folder', () => {
    expect(relativeLinkText('link', 'a/x')).toBe('a/x')
    expect(relativeLinkText('a/b/link', 'a/x')).toBe('../x')
    expect(relativeLinkText('a/link', '')).toBe('..')
    expect(relativeLinkText('link', '')).toBe('.')
  })
})
