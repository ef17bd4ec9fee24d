import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createPatchRegistry, normalizePatch, patchHash } from './patch-registry.ts'

const PATCH = [
  'diff --git a/src/page.js b/src/page.js',
  'index 3b18e51..a9c4e2b 100644',
  '--- a/src/page.js',
  '+++ b/src/page.js',
  '@@ -1,3 +1,3 @@ export function paginate(items, page, size) {',
  '   const start = (page - 1) * size',
  '-  return items.slice(start, start + size - 1)',
  '+  return items.slice(start, start + size)',
  ' }',
  '',
].join('\n')

describe('patch registry', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evalbox-patches-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  test('normalising ignores blob ids, CRLF, hunk context and trailing blanks, not content', () => {
    const noisy = `${PATCH.replace('3b18e51..a9c4e2b', '0000000..1111111').replace(/\n/g, '\r\n').replace(' {', ' {  ')}\n\n`
    expect(normalizePatch(noisy)).toBe(normalizePatch(PATCH))
    expect(patchHash(noisy)).toBe(patchHash(PATCH))
    expect(patchHash(PATCH.replace('start + size)', 'start + size + 0)'))).not.toBe(patchHash(PATCH))
    expect(patchHash(PATCH.replace(/src\/page\.js/g, 'lib/page.js'))).not.toBe(patchHash(PATCH))
    expect(patchHash(' \n\r\n')).toBeUndefined()
  })

  test('in memory: the first case to produce a patch owns it', () => {
    const registry = createPatchRegistry()
    expect(registry.duplicateOf('case a', PATCH)).toBeUndefined()
    expect(registry.duplicateOf('case b', PATCH.replace(/\n/g, '\r\n'))).toBe('case a')
    expect(registry.duplicateOf('case a', PATCH)).toBeUndefined()
    expect(registry.duplicateOf('case c', '')).toBeUndefined()
    expect(registry.duplicateOf('case d', '')).toBeUndefined()
  })

  test('through a shared folder: registries of different workers see each other', async () => {
    const shared = join(dir, 'run-1', 'patches')
    const worker1 = createPatchRegistry({ dir: shared })
    const worker2 = createPatchRegistry({ dir: shared })
    expect(worker1.duplicateOf('suite › case a', PATCH)).toBeUndefined()
    expect(worker2.duplicateOf('suite › case b', PATCH)).toBe('suite › case a')
    expect(worker2.duplicateOf('suite › case a', PATCH)).toBeUndefined()
    expect(worker2.duplicateOf('suite › case e', '')).toBeUndefined()
    expect(await readdir(shared)).toEqual([`${patchHash(PATCH)}.case`])
  })
})
