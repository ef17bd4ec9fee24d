import { describe, expect, test } from 'vitest'
import { HARVEST_EXCLUDES, isHarvestExcluded } from './harvest-excludes.ts'

describe('isHarvestExcluded', () => {
  test('matches the default excludes the way git reads them', () => {
    expect(HARVEST_EXCLUDES).toContain('__pycache__/')
    for (const path of [
      '__pycache__/a.pyc',
      'tests/__pycache__/test_a.cpython-311.pyc',
      'legacy/mod.pyc',
      'x.pyc',
      '.pytest_cache/v/cache/lastfailed',
      'web/node_modules/react/index.js',
      'pkg/.mypy_cache/3.11/x.json',
      '.ruff_cache/0.1.0/cache',
    ]) {
      expect(isHarvestExcluded(path), path).toBe(true)
    }
    for (const path of [
      'src/calc.py',
      'tests/test_calc.py',
      'notes/__pycache__',
      'src/node_modules.js',
      'a.pyc.txt',
      'target/debug/x',
      'docs/xpycache/a',
    ]) {
      expect(isHarvestExcluded(path), path).toBe(false)
    }
  })
})
