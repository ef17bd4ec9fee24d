import { execFileSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { createLocalSandbox } from '../../sandbox/local/local-sandbox.ts'
import { command } from '../command.ts'
import { NODE_PROJECT } from './live-cases.ts'
import { agentPatch, verifierContext } from './test-support.ts'
import { unitTests } from './unit-tests.ts'

// The one glob dialect (src/core/glob.ts, docs/graders.md "Globs") through the options that
// take globs, graded for real in local verifiers.

const hasPytest = (() => {
  try {
    execFileSync('python3', ['-m', 'pytest', '--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

/** An agent that leaves src broken, makes the test pass trivially and edits the helper. */
const CHEAT = {
  'test/calc.test.js': "import { test } from 'node:test'\ntest('add works', () => {})\n",
  'test/helpers.js': 'export const samples = []\n',
}

describe('unitTests({ tests }) globs', () => {
  let cheat: { diff: string; files: string[] }
  beforeAll(async () => {
    cheat = await agentPatch(NODE_PROJECT.fixture, CHEAT)
  })

  test.each([
    // `[ab]` classes, `[!ab]` negation
    [['test/[abc]alc.test.js'], ['test/calc.test.js']],
    [['test/[!h]*.js'], ['test/calc.test.js']],
    // a trailing `/` and `/**` are the folder's files
    [['test/'], ['test/calc.test.js', 'test/helpers.js']],
    [['test/**'], ['test/calc.test.js', 'test/helpers.js']],
    // a plain name is that path only, and matching is case-sensitive
    [['test'], []],
    [['TEST/**'], []],
    // `!` excludes from the list
    [['test/**', '!test/helpers.js'], ['test/calc.test.js']],
  ])('tests: %j restores %j', async (tests, restored) => {
    const grade = await unitTests({ tests, framework: 'node' })(
      verifierContext('local', NODE_PROJECT.fixture, cheat),
    )
    expect(grade.metadata?.tampered).toEqual(restored)
    // With the trusted test restored the broken src fails; without it the cheat passes.
    expect(grade.pass).toBe(!restored.includes('test/calc.test.js'))
  })

  test.skipIf(!hasPytest)("tests: ['test_[ab].py'] trusts test_a.py", async () => {
    const fixture = await mkdtemp(join(tmpdir(), 'evalbox-glob-pytest-'))
    try {
      await writeFile(join(fixture, 'calc.py'), 'def add(a, b):\n    return a - b\n')
      await writeFile(
        join(fixture, 'test_a.py'),
        'from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n',
      )
      const patch = await agentPatch(fixture, { 'test_a.py': 'def test_add():\n    pass\n' })
      const grade = await unitTests({ tests: ['test_[ab].py'] })(verifierContext('local', fixture, patch))
      expect(grade).toMatchObject({ pass: false, metadata: { framework: 'pytest', tampered: ['test_a.py'] } })
    } finally {
      await rm(fixture, { recursive: true, force: true })
    }
  })
})

describe('unitTests({ solutionFiles }) globs', () => {
  test.each([[['src/']], [['[s]rc/**']], [['**/*.js', '!test/**']]])(
    'solutionFiles: %j applies the fix and ignores NOTES.md',
    async (solutionFiles) => {
      const patch = await agentPatch(NODE_PROJECT.fixture, {
        ...NODE_PROJECT.fix,
        'NOTES.md': 'agent notes\n',
      })
      const grade = await unitTests({ solutionFiles, framework: 'node' })(
        verifierContext('local', NODE_PROJECT.fixture, patch),
      )
      expect(grade).toMatchObject({ pass: true, metadata: { ignored: ['NOTES.md'], tampered: [] } })
    },
  )

  test("solutionFiles: ['SRC/**'] is case-sensitive: the fix is not applied", async () => {
    const patch = await agentPatch(NODE_PROJECT.fixture, NODE_PROJECT.fix)
    const grade = await unitTests({ solutionFiles: ['SRC/**'], framework: 'node' })(
      verifierContext('local', NODE_PROJECT.fixture, patch),
    )
    expect(grade).toMatchObject({ pass: false, metadata: { ignored: ['src/calc.js'] } })
  })
})

describe('graders.command({ tests }) globs', () => {
  let cheat: { diff: string; files: string[] }
  beforeAll(async () => {
    cheat = await agentPatch(NODE_PROJECT.fixture, CHEAT)
  })

  test.each([
    [['test/[c]alc.test.js'], ['test/calc.test.js']],
    [['test/'], ['test/calc.test.js', 'test/helpers.js']],
    [['test'], []],
  ])('tests: %j restores %j', async (tests, restored) => {
    await using agent = await createLocalSandbox({ workspace: NODE_PROJECT.fixture, label: 'agent' })
    const ctx = Object.defineProperty(verifierContext('local', NODE_PROJECT.fixture, cheat), 'sandbox', {
      value: agent,
    })
    const grade = await command('node --test', { tests, in: 'verifier' })(ctx)
    expect(grade.metadata?.tampered).toEqual(restored)
  })
})
