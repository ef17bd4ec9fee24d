import { describe, expect, test } from 'vitest'
import type { AgentResult } from '../agents/types.ts'
import { createLocalSandbox } from '../sandbox/local/local-sandbox.ts'
import type { Grade, TestEntry } from '../store/schema.ts'
import { filesOfDiff, setupMatchers } from './index.ts'

setupMatchers()

const entry: TestEntry = {
  name: 'fixes paginate',
  suite: 'evals',
  tier: 'e2e',
  passed: true,
  duration_ms: 1000,
  cost_usd: 0.42,
  turns_used: 7,
  harvest: {
    filesChanged: 2,
    patchPath: 'p.diff',
    isDuplicate: false,
    files: ['src/paginate.js', 'package.json'],
  },
}
const agent: AgentResult = {
  output: '',
  exitReason: 'success',
  metrics: { turns: 3, toolSummary: {}, costUsd: 0.05 },
}

function failure(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('expected the assertion to fail')
}

describe('toOnlyTouch', () => {
  test('passes when every changed file matches a glob, and lists the others when not', () => {
    expect({ patch: 'diff', files: ['src/a.js', 'src/b/c.js'] }).toOnlyTouch('src/**')
    expect(entry).toOnlyTouch(['src/**', 'package.json'])
    expect(failure(() => expect(entry).toOnlyTouch('src/**'))).toBe(
      'expected the changes to only touch src/**, but they also changed: package.json',
    )
    expect(entry).not.toOnlyTouch('src/**')
    const diff =
      'diff --git a/src/x.js b/src/x.js\n--- a/src/x.js\n+++ b/src/x.js\ndiff --git a/README.md b/README.md\n'
    expect(
      failure(() =>
        expect({ output: '', value: '', patch: { diff, files: filesOfDiff(diff) } }).toOnlyTouch('src/*'),
      ),
    ).toContain('also changed: README.md')
    expect(diff).not.toOnlyTouch('src/*')
    expect(failure(() => expect({ output: 'x' }).toOnlyTouch('src/**'))).toContain(
      'toOnlyTouch() needs a harvested patch',
    )
  })
  test.each([
    // the one dialect (src/core/glob.ts): classes, trailing `/`, plain names, dotfiles, case, `!`
    [['src/[ab].js'], ['src/a.js', 'src/b.js'], true],
    [['src/[!c].js'], ['src/a.js', 'src/c.js'], false],
    [['src/'], ['src/a.js', 'src/deep/b.js'], true],
    [['src/**'], ['src'], true],
    [['src'], ['src/a.js'], false],
    [['**/*.js'], ['.config/a.js'], true],
    [['SRC/**'], ['src/a.js'], false],
    [['src/**', '!src/gen/**'], ['src/a.js', 'src/gen/b.js'], false],
    [['!docs/**'], ['src/a.js'], true],
  ])('toOnlyTouch(%j) on %j: %s', (globs, files, pass) => {
    if (pass) expect({ patch: 'diff', files }).toOnlyTouch(globs)
    else expect({ patch: 'diff', files }).not.toOnlyTouch(globs)
  })
})

describe('toContainFile', () => {
  test('checks the sandbox for the file and, optionally, its content', async () => {
    await using sandbox = await createLocalSandbox()
    await sandbox.writeFile('out/review.md', '# Review\nsrc/a.js:3 off by one\n')
    await expect(sandbox).toContainFile('out/review.md')
    await expect(sandbox).toContainFile('out/review.md', /a\.js:\d+/)
    await expect(sandbox).not.toContainFile('missing.md')
    await expect(expect(sandbox).toContainFile('missing.md')).rejects.toThrow(
      /^expected the sandbox to contain missing\.md, but it cannot be read/,
    )
    await expect(expect(sandbox).toContainFile('out/review.md', 'nothing')).rejects.toThrow(
      'expected out/review.md to contain "nothing", but it reads: "# Review\\nsrc/a.js:3 off by one\\n"',
    )
  })
})

describe('toPassGrader', () => {
  const ok: Grade = { name: 'contains', score: 1, pass: true, explanation: 'ok' }
  const bad: Grade = { name: 'plantedBugs', score: 0.4, pass: false, explanation: 'detected 2/5' }
  const unscored: Grade = { name: 'llmJudge', score: null, pass: false, explanation: 'no JSON' }
  test('takes a grade or a summary and explains the failing grades', () => {
    expect(ok).toPassGrader()
    expect({ pass: true, score: 1, grades: [ok] }).toPassGrader()
    expect(failure(() => expect(bad).toPassGrader())).toBe(
      'expected the grade to pass, but plantedBugs failed: detected 2/5',
    )
    expect(
      failure(() => expect({ pass: false, score: 0.4, grades: [ok, bad, unscored] }).toPassGrader()),
    ).toBe(
      'expected every grade to pass, but plantedBugs failed: detected 2/5; llmJudge was unscored: no JSON',
    )
    expect(bad).not.toPassGrader()
  })
})

describe('budgets', () => {
  test('toCostLessThan reads entries, agent results, runs and numbers', () => {
    expect(entry).toCostLessThan(0.5)
    expect(agent).toCostLessThan(0.1)
    expect({ output: '', value: '', agent }).toCostLessThan(0.1)
    expect(failure(() => expect(entry).toCostLessThan(0.1))).toBe(
      'expected a cost below $0.10, but it cost $0.42',
    )
    expect(failure(() => expect({}).toCostLessThan(1))).toContain('toCostLessThan() needs a cost')
  })

  test('toUseAtMostTurns', () => {
    expect(entry).toUseAtMostTurns(7)
    expect(agent).toUseAtMostTurns(3)
    expect(failure(() => expect(entry).toUseAtMostTurns(5))).toBe(
      'expected the agent to use at most 5 turns, but it used 7',
    )
    expect(entry).not.toUseAtMostTurns(6)
  })

  test('asymmetric forms work inside other matchers', () => {
    expect({ run: entry }).toEqual({ run: expect.toUseAtMostTurns(10) })
  })
})
