import { describe, expect, test } from 'vitest'
import { invalidOptions } from '../core/errors.ts'
import { parseOptions } from '../core/validate.ts'
import { resolveDockerOptions } from './docker/container-config.ts'
import { MIN_MEMORY_BYTES, sizeBytes, sizeExpected } from './size.ts'
import { sandboxSpecSchema } from './spec.ts'

const spec = (limits: object) => () =>
  parseOptions(sandboxSpecSchema(), { limits }, { api: 'spec', error: invalidOptions })
const docker = (limits: object) => () => resolveDockerOptions({ image: 'node:22', limits })

describe('one size rule for memory and disk', () => {
  test('Docker’s forms: bytes, or 1024-based units with an optional b / ib, case ignored', () => {
    expect(sizeBytes(536870912)).toBe(512 * 1024 ** 2)
    for (const text of ['512m', '512mb', '512MB', '512MiB', '512 m', '0.5g'])
      expect(sizeBytes(text)).toBe(512 * 1024 ** 2)
    expect(sizeBytes('2k')).toBe(2048)
    expect(sizeBytes('100b')).toBe(100)
    for (const bad of ['lots', '512mm', '-1m', '0', 0, 1.5, '1.5.2g', '', null])
      expect(sizeBytes(bad)).toBeNaN()
  })

  test('the spec check and the docker config accept and refuse the same sizes, with the same words', () => {
    for (const ok of ['512mb', '512m', '1G', '64MiB', 8 * 1024 ** 2]) {
      expect(spec({ memory: ok, disk: ok })).not.toThrow()
      expect(docker({ memory: ok, disk: ok })).not.toThrow()
    }
    for (const bad of ['lots', '1m', '512mm', 1024]) {
      expect(spec({ memory: bad })).toThrow(`\`limits.memory\` must be ${sizeExpected(MIN_MEMORY_BYTES)}`)
      expect(docker({ memory: bad })).toThrow(`\`limits.memory\` to be ${sizeExpected(MIN_MEMORY_BYTES)}`)
    }
    expect(sizeExpected(MIN_MEMORY_BYTES)).toBe(
      'a size of at least 6 MiB: bytes, or a number with k, m, g or t (1024-based), like "512m", "512mb" or "2g"',
    )
    expect(docker({ disk: '10k' })).toThrow('`limits.disk` to be a size of at least 1 MiB')
  })
})
