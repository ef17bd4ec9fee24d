import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createLocalSandbox } from '../../sandbox/local/local-sandbox.ts'
import { parseCollection, runnerProbes, runPreflight } from './preflight.ts'

const hasPytest = (() => {
  try {
    execFileSync('python3', ['-m', 'pytest', '--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

describe('runnerProbes', () => {
  test("the framework's runner check, and `command -v` for a program the command names", () => {
    expect(runnerProbes('pytest', { argv: ['sh', '-c', 'python3 -m pytest -q'], shell: true })).toEqual([
      "command -v 'python3'",
      "python3 -c 'import pytest'",
    ])
    expect(runnerProbes(undefined, { argv: ['./run tests.sh', '-v'], shell: false })).toEqual([
      "command -v './run tests.sh'",
    ])
    expect(runnerProbes('vitest', { argv: ['sh', '-c', 'npx vitest run'], shell: true })).toEqual([
      "command -v 'npx'",
      'npx --no -- vitest --version',
    ])
  })

  test('shell words, assignments and compound commands name no program to look up', () => {
    expect(runnerProbes(undefined, { argv: ['sh', '-c', 'cd sub && make test'], shell: true })).toEqual([])
    expect(runnerProbes(undefined, { argv: ['sh', '-c', 'CI=1 make test'], shell: true })).toEqual([])
    expect(runnerProbes(undefined, { argv: ['sh', '-c', '(make test)'], shell: true })).toEqual([])
    expect(runnerProbes('go', { argv: ['sh', '-c', 'exec go test ./...'], shell: true })).toEqual([
      'go version',
    ])
  })
})

describe.skipIf(!hasPytest)('runPreflight with real pytest', { timeout: 60_000 }, () => {
  let fixture: string
  beforeAll(async () => {
    fixture = await mkdtemp(join(tmpdir(), 'evalbox-preflight-'))
    await mkdir(join(fixture, 'tests'))
    await writeFile(join(fixture, 'calc.py'), 'def add(a, b):\n    return a + b\n')
    await writeFile(
      join(fixture, 'tests', 'test_one.py'),
      [
        'import pytest',
        'from calc import add',
        'def test_add(): assert add(1, 2) == 3',
        '@pytest.mark.parametrize("x", [1, "a b"])',
        'def test_param(x): pass',
        'class TestGroup:',
        '    def test_in(self): pass',
        '',
      ].join('\n'),
    )
    // Imports a function the fix has to add: collection fails on the clean fixture.
    await writeFile(join(fixture, 'tests', 'test_two.py'), 'from calc import mul\ndef test_mul(): pass\n')
  })
  afterAll(async () => {
    await rm(fixture, { recursive: true, force: true })
    await rm(`${fixture}-bin`, { recursive: true, force: true })
  })

  test('the runner starts, and the clean fixture collects its tests per file; no cache is left', async () => {
    await using sandbox = await createLocalSandbox({ workspace: fixture })
    const probes = runnerProbes('pytest', { argv: ['sh', '-c', 'python3 -m pytest'], shell: true })
    const preflight = await runPreflight(sandbox, probes, { collect: true })
    expect(preflight).toEqual({
      missing: undefined,
      collected: { perFile: { 'tests/test_one.py': 4 }, errored: ['tests/test_two.py'] },
    })
    const left = await sandbox.exec(['sh', '-c', 'find . -name "__pycache__" -o -name ".pytest_cache"'])
    expect(left.stdout).toBe('')
  })

  test('a runner that cannot start is named with what it printed', async () => {
    await using sandbox = await createLocalSandbox({ workspace: fixture })
    const probes = runnerProbes('pytest', { argv: ['sh', '-c', 'python3 -m pytest'], shell: true })
    // A PATH with a shell and nothing else.
    await mkdir(join(fixture, '..', `${fixture.split('/').pop()}-bin`), { recursive: true })
    const bin = join(fixture, '..', `${fixture.split('/').pop()}-bin`)
    await symlink(
      execFileSync('sh', ['-c', 'command -v sh'], { encoding: 'utf8' }).trim(),
      join(bin, 'sh'),
    ).catch(() => {})
    const preflight = await runPreflight(sandbox, probes, { collect: true, env: { PATH: bin } })
    expect(preflight.collected).toBeUndefined()
    expect(preflight.missing?.probe).toBe("command -v 'python3'")
    // A module python cannot import.
    const module = await runPreflight(sandbox, ["python3 -c 'import evalbox_no_such_runner'"], {
      collect: false,
    })
    expect(module.missing).toMatchObject({ probe: "python3 -c 'import evalbox_no_such_runner'" })
    expect(module.missing?.output).toContain("No module named 'evalbox_no_such_runner'")
  })
})

describe('parseCollection', () => {
  test('-qq prints counts per file; short-summary errors name the file', () => {
    const output = [
      'tests/test_one.py: 4',
      'pkg/test_x.py: 2',
      '',
      '=========================== short test summary info ============================',
      'ERROR tests/test_two.py',
      '!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!',
    ].join('\n')
    expect(parseCollection(output)).toEqual({
      perFile: { 'tests/test_one.py': 4, 'pkg/test_x.py': 2 },
      errored: ['tests/test_two.py'],
    })
  })
})
