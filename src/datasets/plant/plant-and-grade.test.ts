import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { scripted } from '../../agents/scripted-agent.ts'
import { plantedBugs } from '../../graders/planted-bugs/planted-bugs.ts'
import { graderContext } from '../../graders/test-support.ts'
import { createLocalSandbox } from '../../sandbox/local/local-sandbox.ts'
import { plantBugs } from './plant-bugs.ts'

const fixture = fileURLToPath(new URL('../../../examples/planted-bugs/fixture', import.meta.url))

let out: string
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'evalbox-plant-grade-'))
})
afterAll(async () => {
  await rm(out, { recursive: true, force: true })
})

test('plantBugs makes N caught mutants, and a reviewer that finds k of them scores k/N', {
  timeout: 90_000,
}, async () => {
  const N = 5
  const k = 3
  const [planted] = await plantBugs(fixture, { out, count: 1, bugsPerCase: N, seed: 11 })
  const bugs = planted!.groundTruth.bugs
  expect(bugs).toHaveLength(N)
  expect(new Set(bugs.map((b) => `${b.file}:${b.lines[0]}`)).size).toBe(N)

  // A scripted reviewer: runs the tests (they fail: the bugs are caught), then writes a
  // review that cites k of the bugs by file:line with their keywords.
  const review = [
    '# Review',
    '',
    'The test suite fails; these are the defects I found:',
    '',
    ...bugs
      .slice(0, k)
      .map(
        (b) =>
          `- \`${b.file}:${b.lines[0]}\` — ${b.description}; this breaks ${b.keywords.slice(0, 3).join(', ')}.`,
      ),
  ].join('\n')
  await using sandbox = await createLocalSandbox({ workspace: planted!.workspace })
  const agent = scripted([
    { run: 'node --test' },
    { write: 'review.md', content: review },
    { finish: 'Wrote review.md' },
  ])
  const result = await agent.run({
    sandbox,
    prompt: 'Review the code in src/ and write your findings to review.md',
    input: undefined,
    signal: new AbortController().signal,
    timeoutMs: 60_000,
    log: () => {},
    keep: async () => undefined,
  })
  expect(result.exitReason).toBe('success')
  expect(result.transcript?.some((e) => JSON.stringify(e).includes('# fail'))).toBe(true)

  const grade = await plantedBugs({ groundTruth: planted!.groundTruthPath, report: { file: 'review.md' } })(
    graderContext(result.output, { sandbox, agent: result }),
  )
  expect(grade.score).toBe(k / N)
  expect(grade.metadata?.entry).toEqual({
    detection_rate: k,
    false_positives: 0,
    evidence_quality: 3,
    detected_bugs: bugs.slice(0, k).map((b) => b.id),
    missed_bugs: bugs.slice(k).map((b) => b.id),
  })
  // minimum_detection defaults to every planted bug.
  expect(grade.pass).toBe(false)
  expect(grade.explanation).toContain(`detected ${k}/${N} planted bugs`)
})
