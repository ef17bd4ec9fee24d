import { execFileSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { harvestPatch, prepareWorkspaceBaseline } from '../../agents/harvest.ts'
import { createLocalSandbox } from '../../sandbox/local/local-sandbox.ts'
import { graderContext } from '../test-support.ts'
import { NODE_PROJECT, PYTEST_PROJECT } from './live-cases.ts'
import { describeUnitTestsLive } from './live-suite.ts'
import { missingRunner } from './run-log.ts'
import { agentPatch, verifierContext } from './test-support.ts'
import { unitTests } from './unit-tests.ts'

const hasPytest = (() => {
  try {
    execFileSync('python3', ['-m', 'pytest', '--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()
if (!hasPytest && process.env.EVALBOX_REQUIRE_PYTEST === '1') {
  throw new Error(
    'EVALBOX_REQUIRE_PYTEST=1 but python3 -m pytest does not run here (.ci/pytest-up.sh installs it)',
  )
}
if (!hasPytest) console.warn('[evalbox] python3 -m pytest is not installed: skipping the local pytest cases')

describeUnitTestsLive('local', hasPytest ? [NODE_PROJECT, PYTEST_PROJECT] : [NODE_PROJECT])

describe('unitTests options and failures', () => {
  test('bad options are refused at definition time, naming the field and value', () => {
    expect(() => unitTests({ timeoutMs: -5 })).toThrow(
      '`timeoutMs` must be a positive number of milliseconds, got `-5`',
    )
    // @ts-expect-error: not a framework
    expect(() => unitTests({ framework: 'mocha' })).toThrow(/`framework`.*got `"mocha"`/)
    expect(() => unitTests({ failToPass: [''] })).toThrow('`failToPass[0]` must not be empty, got `""`')
    expect(() => unitTests({ command: ' ' })).toThrow('`command`')
  })

  test('a case without a workspace fixture is a config error (unscored by the case runner)', async () => {
    await expect(unitTests()(graderContext(''))).rejects.toThrow(/needs the case's workspace fixture/)
  })

  test('a runner missing from the sandbox is unscored, not the agent’s failure', async () => {
    const ctx = verifierContext('local', NODE_PROJECT.fixture, undefined)
    const grade = await unitTests({ command: 'evalbox-no-such-runner --test', framework: 'node' })(ctx)
    expect(grade).toMatchObject({ pass: false, score: null })
    expect(grade.explanation).toContain(
      "could not run the tests: the runner check `command -v 'evalbox-no-such-runner'` failed in the clean verifier",
    )
    expect(missingRunner({ missing: undefined })).toBeUndefined()
    expect(
      missingRunner({
        missing: {
          probe: "python3 -c 'import pytest'",
          output: "ModuleNotFoundError: No module named 'pytest'",
        },
      }),
    ).toBe(
      "the runner check `python3 -c 'import pytest'` failed in the clean verifier (ModuleNotFoundError: No module named 'pytest')",
    )
  })

  test('an argv command and a grade name; the log is named after the grade', async () => {
    const patch = await agentPatch(NODE_PROJECT.fixture, NODE_PROJECT.fix)
    const ctx = verifierContext('local', NODE_PROJECT.fixture, patch)
    const grade = await unitTests({ command: ['node', '--test'], name: 'node suite' })(ctx)
    expect(grade).toMatchObject({ name: 'node suite', pass: true, metadata: { command: 'node --test' } })
    expect(grade.metadata).toMatchObject({ framework: 'node', counts: { passed: 3 } })
    expect([...ctx.kept.keys()]).toEqual(['grader-unit-tests-node-suite.log'])
  })

  test('an unrecognised project needs a command, and then the exit code alone decides', async () => {
    const fixture = await mkdtemp(join(tmpdir(), 'evalbox-unknown-'))
    try {
      await writeFile(join(fixture, 'check.sh'), 'test "$(cat answer.txt)" = 42\n')
      await writeFile(join(fixture, 'answer.txt'), '41\n')
      await expect(unitTests()(verifierContext('local', fixture, undefined))).rejects.toThrow(
        /could not tell the test framework.*Pass `framework` or `command`/,
      )
      const grader = unitTests({ command: 'sh check.sh' })
      expect(await grader(verifierContext('local', fixture, undefined))).toMatchObject({
        pass: false,
        score: 0,
        metadata: { framework: null, exitCode: 1 },
      })
      const patch = await agentPatch(fixture, { 'answer.txt': '42\n' })
      expect(await grader(verifierContext('local', fixture, patch))).toMatchObject({ pass: true, score: 1 })
    } finally {
      await rm(fixture, { recursive: true, force: true })
    }
  })

  test.skipIf(!hasPytest)(
    'an agent that runs pytest leaves only its fix in the patch, and no tampering is reported',
    async () => {
      await using agent = await createLocalSandbox({ workspace: PYTEST_PROJECT.fixture, label: 'agent' })
      await prepareWorkspaceBaseline(agent)
      // `-o addopts=` drops the fixture's `-p no:cacheprovider`, so .pytest_cache is written too.
      const pytest = ['python3', '-m', 'pytest', '-q', '-o', 'addopts=']
      expect((await agent.exec(pytest)).exitCode).toBe(1)
      for (const [path, content] of Object.entries(PYTEST_PROJECT.fix)) await agent.writeFile(path, content!)
      expect((await agent.exec(pytest)).exitCode).toBe(0)
      const caches = await agent.exec(['sh', '-c', 'ls -d tests/__pycache__ __pycache__ .pytest_cache'])
      expect(caches.stdout.split('\n').filter(Boolean)).toHaveLength(3)

      const { patch, files } = await harvestPatch(agent)
      expect(files).toEqual(['calc.py'])
      expect(patch).not.toMatch(/__pycache__|pytest_cache|\.pyc/)
      const grade = await unitTests()(
        verifierContext('local', PYTEST_PROJECT.fixture, { diff: patch, files }),
      )
      expect(grade).toMatchObject({ pass: true, metadata: { tampered: [], counts: { passed: 3 } } })
      expect(grade.explanation).not.toContain('changed test files')
    },
    120_000,
  )

  test('solutionFiles: only matching changes are applied; runner files are tampering, other files ignored', async () => {
    const patch = await agentPatch(NODE_PROJECT.fixture, {
      ...NODE_PROJECT.fix,
      'NOTES.md': null,
      'package.json': '{ "type": "commonjs" }\n',
    })
    const grade = await unitTests({ solutionFiles: ['src/**'] })(
      verifierContext('local', NODE_PROJECT.fixture, patch),
    )
    expect(grade).toMatchObject({
      pass: true,
      metadata: {
        counts: { passed: 3, failed: 0 },
        tampered: ['package.json'],
        tamperedWhy: { 'package.json': expect.stringContaining('node and the runner read it') },
        ignored: ['NOTES.md'],
      },
    })
    expect(grade.explanation).toContain('changes outside solutionFiles were not applied: NOTES.md (deleted)')
    expect(grade.explanation).toContain('which were refused (the fixture')
    expect(() => unitTests({ solutionFiles: [] })).toThrow(/`solutionFiles` must have at least one glob/)
  })

  test('a patch that no longer applies is a grader error, not a failing grade', async () => {
    const patch = await agentPatch(NODE_PROJECT.fixture, NODE_PROJECT.fix)
    const stale = {
      diff: patch.diff.replace(/^-export const sub = .*$/m, '-export const sub = 42'),
      files: patch.files,
    }
    const ctx = verifierContext('local', NODE_PROJECT.fixture, stale)
    await expect(unitTests()(ctx)).rejects.toThrow(
      /could not apply the agent's patch.*Did the fixture change/s,
    )
  })
})
