import { describe, expect, test } from 'vitest'
import { createLocalSandbox } from '../../sandbox/local/local-sandbox.ts'
import { globMatcher } from './glob.ts'
import { PYTEST_PROJECT } from './live-cases.ts'
import { restoreTrustedTests } from './verifier.ts'

describe('restoreTrustedTests', () => {
  test('tool caches under the test folders are removed like any test file, but not reported as tampering', async () => {
    await using verifier = await createLocalSandbox({ workspace: PYTEST_PROJECT.fixture, label: 'verifier' })
    const pyc = 'tests/__pycache__/test_calc.cpython-311-pytest-9.0.3.pyc'
    const lastFailed = 'tests/.pytest_cache/v/cache/lastfailed'
    // As if a patch had planted a compiled test module and edited the tests.
    await verifier.writeFile(pyc, 'forged bytecode')
    await verifier.writeFile(lastFailed, '{}')
    await verifier.writeFile(PYTEST_PROJECT.testFile, PYTEST_PROJECT.weakenedTests)

    const tampered = await restoreTrustedTests(
      verifier,
      PYTEST_PROJECT.fixture,
      [
        { path: pyc, change: 'added' },
        { path: lastFailed, change: 'added' },
        { path: PYTEST_PROJECT.testFile, change: 'modified' },
      ],
      globMatcher(['**/tests/**']),
    )
    expect(tampered).toEqual([{ path: PYTEST_PROJECT.testFile, change: 'modified' }])
    expect((await verifier.exec(['test', '-e', pyc])).exitCode).toBe(1)
    expect((await verifier.exec(['test', '-e', lastFailed])).exitCode).toBe(1)
    expect((await verifier.readFile(PYTEST_PROJECT.testFile)).toString()).not.toBe(
      PYTEST_PROJECT.weakenedTests,
    )
  })
})
