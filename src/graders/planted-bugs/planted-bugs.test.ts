import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createLocalSandbox } from '../../sandbox/local/local-sandbox.ts'
import { graderContext, useFakeJudge } from '../test-support.ts'
import type { GroundTruthInput } from './ground-truth.ts'
import { plantedBugs } from './planted-bugs.ts'

const truth: GroundTruthInput = {
  bugs: [
    {
      id: 'b1',
      file: 'src/a.js',
      lines: [10, 10],
      description: 'off-by-one in sum()',
      keywords: ['sum', 'total'],
    },
    {
      id: 'b2',
      file: 'src/b.js',
      line_range: [4, 5],
      description: 'flipped test in max()',
      keywords: ['max', 'best'],
    },
    {
      id: 'b3',
      file: 'src/c.js',
      lines: [20, 22],
      description: '&& became || in ok()',
      keywords: ['ok', 'valid'],
    },
  ],
  minimum_detection: 2,
  max_false_positives: 1,
}

const goodReview = [
  '## Review',
  '- src/a.js:10 — sum() stops one element early, so the total misses the last item.',
  '- src/b.js:5 — max() keeps the smaller value because the comparison is flipped.',
].join('\n')

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'evalbox-planted-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('plantedBugs, deterministic matching', () => {
  test('scores detected / planted and lifts the seed-002 fields onto the entry', async () => {
    const grade = await plantedBugs({ groundTruth: truth })(graderContext(goodReview))
    expect(grade).toMatchObject({ pass: true, score: 2 / 3 })
    expect(grade.metadata?.entry).toEqual({
      detection_rate: 2,
      false_positives: 0,
      evidence_quality: 3,
      detected_bugs: ['b1', 'b2'],
      missed_bugs: ['b3'],
    })
    expect(grade.explanation).toContain('detected 2/3 planted bugs (b1, b2); missed b3')
  })

  test('fails on too few detections or too many false positives, and says what is needed', async () => {
    const few = await plantedBugs({ groundTruth: truth })(graderContext('- src/a.js:10 sum is off by one'))
    expect(few.pass).toBe(false)
    expect(few.explanation).toContain('needs ≥ 2 detected')
    const noisy = `${goodReview}\n- src/d.js:1 — style nit\n- src/e.js:2 — unused import`
    const grade = await plantedBugs({ groundTruth: truth })(graderContext(noisy))
    expect(grade.metadata?.entry).toMatchObject({ detection_rate: 2, false_positives: 2 })
    expect(grade.pass).toBe(false)
    expect(grade.metadata?.falsePositives).toEqual([
      '- src/d.js:1 — style nit',
      '- src/e.js:2 — unused import',
    ])
  })

  test('reads ground truth from a JSON file and the review from a file in the sandbox', async () => {
    const path = join(dir, 'ground-truth.json')
    await writeFile(path, JSON.stringify(truth))
    await using sandbox = await createLocalSandbox()
    await sandbox.writeFile('review.md', goodReview)
    const grader = plantedBugs({ groundTruth: path, report: { file: 'review.md' } })
    expect(grader.needsSandbox).toBe(true)
    expect((await grader(graderContext('', { sandbox }))).metadata?.entry).toMatchObject({
      detection_rate: 2,
    })
    const missing = await plantedBugs({ groundTruth: path, report: { file: 'nope.md' } })(
      graderContext('', { sandbox }),
    )
    expect(missing).toMatchObject({ score: 0, pass: false })
    expect(missing.explanation).toContain('nope.md')
  })

  test('rejects bad options at definition time, naming the field', () => {
    expect(() => plantedBugs({ groundTruth: { ...truth, max_false_positives: -1 } })).toThrow(
      /max_false_positives/,
    )
    expect(() => plantedBugs({ groundTruth: join(dir, 'absent.json') })).toThrow(/absent\.json/)
    expect(() => plantedBugs({ groundTruth: truth, report: { path: 'x' } as never })).toThrow(
      /unknown option `report.path`.*known: `file`/,
    )
    expect(() => plantedBugs({ groundTruth: truth, votes: 2 })).toThrow(/`votes`.*odd number/)
    // @ts-expect-error the old option is gone: `confirm` and `votes` replace it
    expect(() => plantedBugs({ groundTruth: truth, confirmOnFail: 2 })).toThrow(
      /`confirmOnFail` is gone.*`votes: 3`/,
    )
  })
})

describe('plantedBugs, judge model', () => {
  const judge = useFakeJudge()
  const model = () => judge.model()
  const answer = (detected: boolean[], fp: number) => ({
    text: JSON.stringify({
      bugs: ['b1', 'b2', 'b3'].map((id, i) => ({ id, detected: detected[i], evidence: detected[i] ? 3 : 0 })),
      false_positives: fp,
      reasoning: `found ${detected.filter(Boolean).length}`,
    }),
    usage: { input: 1000, output: 100 },
  })

  test('confirm-on-fail (the default): a fail, then a pass on re-judgement, passes and records both votes', async () => {
    judge.server.enqueue(answer([true, false, false], 0), answer([true, true, false], 0))
    const before = judge.server.requests.length
    const grade = await plantedBugs({ groundTruth: truth, judge: 'llm', model: model() })(
      graderContext(goodReview),
    )
    expect(judge.server.requests.length - before).toBe(2)
    expect(grade.pass).toBe(true)
    expect(grade.metadata?.votes).toMatchObject([
      { round: 1, pass: false, verdict: { detection_rate: 1, false_positives: 0, evidence_quality: 3 } },
      { round: 2, pass: true, verdict: { detection_rate: 2, false_positives: 0, evidence_quality: 3 } },
    ])
    // The verdict kept is the confirming one.
    expect(grade.metadata?.entry).toMatchObject({ detection_rate: 2, detected_bugs: ['b1', 'b2'] })
    expect(grade.score).toBeCloseTo(2 / 3)
    expect(grade.metadata?.costUsd).toBeCloseTo((2 * (1000 * 1 + 100 * 5)) / 1e6, 9)
    expect(grade.explanation).toContain('the failing verdict was not confirmed')
    const prompt = JSON.stringify(judge.server.requests.at(-1)!.body)
    expect(prompt).toContain('flipped test in max()')
    expect(prompt).toContain('Independent judgement 2')
  })

  test('votes: 3 takes the majority, stopping once it is settled', async () => {
    judge.server.enqueue(
      answer([true, false, false], 0),
      answer([true, true, false], 0),
      answer([true, true, true], 1),
    )
    const before = judge.server.requests.length
    const grade = await plantedBugs({
      groundTruth: truth,
      judge: 'llm',
      model: model(),
      votes: 3,
      confirm: false,
    })(graderContext('a review for three'))
    expect(judge.server.requests.length - before).toBe(3)
    expect(grade.pass).toBe(true)
    expect((grade.metadata!.votes as { pass: boolean }[]).map((v) => v.pass)).toEqual([false, true, true])
    expect(grade.metadata?.entry).toMatchObject({ detection_rate: 2 })
    expect(grade.metadata?.costUsd).toBeCloseTo((3 * (1000 * 1 + 100 * 5)) / 1e6, 9)
  })

  test('a first pass needs no confirmation; a confirmed fail fails', async () => {
    judge.server.enqueue(answer([true, true, false], 0))
    const before = judge.server.requests.length
    const pass = await plantedBugs({ groundTruth: truth, judge: 'llm', model: model(), name: 'pb-pass' })(
      graderContext('a different review'),
    )
    expect(judge.server.requests.length - before).toBe(1)
    expect(pass.pass).toBe(true)
    judge.server.enqueue(answer([false, false, false], 0), answer([true, false, false], 0))
    const fail = await plantedBugs({ groundTruth: truth, judge: 'llm', model: model() })(
      graderContext('a third review'),
    )
    expect(fail.pass).toBe(false)
    expect(fail.metadata?.votes).toHaveLength(2)
    expect(fail.explanation).toContain('the fail was confirmed')
  })

  test('an unusable answer is asked again once, then the grade is unscored', async () => {
    judge.server.enqueue({ text: 'I think it is fine' }, { text: '{"bugs": [], "false_positives": 0}' })
    const grade = await plantedBugs({ groundTruth: truth, judge: 'llm', model: model(), confirm: false })(
      graderContext('yet another review'),
    )
    expect(grade).toMatchObject({ score: null, pass: false })
    expect(grade.explanation).toContain('no entry for the bugs b1, b2, b3')
    const retry = judge.server.requests.at(-1)!.body as { messages: { content: string }[] }
    expect(retry.messages.at(-1)!.content).toContain('not JSON')
  })
})
