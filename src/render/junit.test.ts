import { describe, expect, it } from 'vitest'
import { makeNotRun, makeRun, makeTest } from '../compare/__fixtures__/runs.ts'
import { compareRuns } from '../compare/compare-runs.ts'
import { findAll, parseStrictXml } from './__fixtures__/strict-xml.ts'
import { junitXml, xmlAttr, xmlText } from './junit.ts'

const HOSTILE = `a <b> & "c" 'd'\u0007 ]]> \uFFFE\uD800end`

const e2e = makeRun(
  [
    makeTest('fixes paginate', {
      file: 'evals/code.eval.ts',
      line: 12,
      duration_ms: 1_234,
      score: 1,
      cost_usd: 0.25,
      turns_used: 6,
      exit_reason: 'success',
      attempts: 1,
    }),
    makeTest(HOSTILE, {
      suite: 'review <x>',
      file: 'evals/review.eval.ts',
      line: 3,
      passed: false,
      score: null,
      exit_reason: 'timeout',
      timeout_at_turn: 9,
      error: `boom\n${HOSTILE}`,
      grades: [{ name: 'judge', score: 0.2, pass: false, explanation: 'too vague & short' }],
    }),
  ],
  {
    wall_clock_ms: 5_000,
    run_id: 'r1',
    not_run: [makeNotRun('needs key', { reason: 'OPENAI_API_KEY unset', file: 'evals/judge.eval.ts' })],
  },
)
const judge = makeRun([makeTest('tone', { tier: 'llm-judge' })], { tier: 'llm-judge', _partial: true })

describe('junitXml', () => {
  const xml = junitXml([e2e, judge])
  const root = parseStrictXml(xml)

  it('parses as strict XML with one testsuite per tier and the right counts', () => {
    expect(root.name).toBe('testsuites')
    expect(root.attrs).toMatchObject({ tests: '4', failures: '1', errors: '0', skipped: '1' })
    const suites = findAll(root, 'testsuite')
    expect(suites.map((s) => s.attrs.name)).toEqual(['e2e', 'llm-judge'])
    expect(suites[0]!.attrs).toMatchObject({ tests: '3', failures: '1', skipped: '1', time: '5.000' })
    expect(findAll(root, 'testcase')).toHaveLength(4)
    expect(findAll(root, 'failure')).toHaveLength(1)
    expect(findAll(root, 'skipped')).toHaveLength(1)
  })

  it('writes name, classname, file, line and time on each testcase', () => {
    const [first] = findAll(root, 'testcase')
    expect(first!.attrs).toEqual({
      name: 'fixes paginate',
      classname: 'suite',
      file: 'evals/code.eval.ts',
      line: '12',
      time: '1.234',
    })
  })

  it('carries eval data as testcase properties', () => {
    const props = (i: number) =>
      Object.fromEntries(
        findAll(findAll(root, 'testcase')[i]!, 'property').map((p) => [p.attrs.name, p.attrs.value]),
      )
    expect(props(0)).toEqual({
      score: '1',
      cost_usd: '0.25',
      turns_used: '6',
      exit_reason: 'success',
      tier: 'e2e',
      attempts: '1',
    })
    expect(props(1)).toMatchObject({ score: 'unscored', exit_reason: 'timeout' })
  })

  it('escapes <&"\' and drops characters illegal in XML, round-tripping the rest', () => {
    const expected = `a <b> & "c" 'd' ]]> end`
    const failing = findAll(root, 'testcase')[1]!
    expect(failing.attrs.name).toBe(expected)
    expect(failing.attrs.classname).toBe('review <x>')
    const [failure] = findAll(failing, 'failure')
    expect(failure!.attrs).toEqual({ message: 'exit: timeout at turn 9', type: 'timeout' })
    expect(failure!.text).toBe(`exit: timeout at turn 9\nboom\n${expected}\n✗ judge: too vague & short`)
    expect(xml).not.toContain('\u0007')
  })

  it('marks not-run tests skipped with the reason, and a partial suite', () => {
    const [skipped] = findAll(root, 'skipped')
    expect(skipped!.attrs.message).toBe('skipped: OPENAI_API_KEY unset')
    const judgeProps = findAll(findAll(root, 'testsuite')[1]!, 'properties')[0]!
    expect(judgeProps.children.map((p) => p.attrs.name)).toContain('partial')
  })

  it('keeps newlines in attributes as references', () => {
    expect(xmlAttr('a\nb\tc')).toBe('a&#10;b&#9;c')
    expect(parseStrictXml(`<x v="${xmlAttr('a\nb')}"/>`).attrs.v).toBe('a\nb')
    expect(xmlText('1 < 2 && 3 > 2')).toBe('1 &lt; 2 &amp;&amp; 3 &gt; 2')
  })

  it('the checker itself rejects what a strict parser rejects', () => {
    expect(() => parseStrictXml('<a>1 < 2</a>')).toThrow()
    expect(() => parseStrictXml('<a>AT&T</a>')).toThrow()
    expect(() => parseStrictXml('<a>x ]]> y</a>')).toThrow()
    expect(() => parseStrictXml('<a b="1" b="2"/>')).toThrow()
    expect(() => parseStrictXml('<a>\u0007</a>')).toThrow()
    expect(() => parseStrictXml('<a><b></a>')).toThrow()
  })

  it('writes an empty document for no runs', () => {
    expect(parseStrictXml(junitXml([])).attrs.tests).toBe('0')
  })
})

describe('junitXml sandbox properties', () => {
  it("names each case's sandbox, and the change its comparison found", () => {
    const before = makeRun([
      makeTest('moved', { sandbox: { provider: 'docker', image: 'evalbox-base:bookworm-1' } }),
      makeTest('stayed', { sandbox: { provider: 'docker' } }),
    ])
    const after = makeRun([
      makeTest('moved', { passed: true, sandbox: { provider: 'local' } }),
      makeTest('stayed', { sandbox: { provider: 'docker' } }),
    ])
    const root = parseStrictXml(
      junitXml([after], [compareRuns(before, after, { beforeFile: 'a.json', afterFile: 'b.json' })]),
    )
    const props = findAll(root, 'testcase').map((c) =>
      Object.fromEntries(findAll(c, 'property').map((p) => [p.attrs.name, p.attrs.value])),
    )
    expect(props[0]).toMatchObject({
      sandbox: 'local',
      sandbox_change: 'docker (evalbox-base:bookworm-1) → local',
    })
    expect(props[1]).toMatchObject({ sandbox: 'docker' })
    expect(props[1]).not.toHaveProperty('sandbox_change')
  })
})
