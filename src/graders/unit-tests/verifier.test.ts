import { describe, expect, test } from 'vitest'
import { createLocalSandbox } from '../../sandbox/local/local-sandbox.ts'
import { PYTEST_PROJECT } from './live-cases.ts'
import { restoreFromFixture } from './verifier.ts'

describe('restoreFromFixture', () => {
  test('changed files get the fixture’s content back, added ones go, and nothing is written through a link', async () => {
    await using verifier = await createLocalSandbox({ workspace: PYTEST_PROJECT.fixture, label: 'verifier' })
    await using outside = await createLocalSandbox({ label: 'outside' })
    const pyc = 'tests/__pycache__/test_calc.cpython-311-pytest-9.0.3.pyc'
    // As if a patch had planted a compiled test module, edited the tests and the config.
    await verifier.writeFile(pyc, 'forged bytecode')
    await verifier.writeFile(PYTEST_PROJECT.testFile, PYTEST_PROJECT.weakenedTests)
    await verifier.writeFile('pytest.ini', '[pytest]\naddopts = -p forcepass\n')
    await outside.writeFile('victim.txt', 'keep me')
    await verifier.exec(['ln', '-s', outside.workdir, 'linked'])

    await restoreFromFixture(verifier, PYTEST_PROJECT.fixture, [
      pyc,
      PYTEST_PROJECT.testFile,
      'pytest.ini',
      'linked/victim.txt',
    ])
    expect((await verifier.exec(['test', '-e', pyc])).exitCode).toBe(1)
    expect((await verifier.readFile(PYTEST_PROJECT.testFile)).toString()).not.toBe(
      PYTEST_PROJECT.weakenedTests,
    )
    expect((await verifier.readFile('pytest.ini')).toString()).toBe(
      '[pytest]\naddopts = -p no:cacheprovider\n',
    )
    expect((await outside.readFile('victim.txt')).toString()).toBe('keep me')
  })
})
