import { describe, expect, it } from 'vitest'
import { makeRun, makeTest } from '../compare/__fixtures__/runs.ts'
import { compareRuns } from '../compare/compare-runs.ts'
import { gate } from '../compare/gate.ts'
import type { TestEntry } from '../store/schema.ts'
import { escapeData, escapeProperty, gateAnnotation, githubAnnotations } from './github.ts'

const FILES = { beforeFile: 'before.json', afterFile: 'after.json' }

/** Splits a workflow command into kind, properties (unescaped) and message (unescaped). */
function parseCommand(line: string) {
  const match = /^::(error|warning) ([^:]*)::(.*)$/.exec(line)
  if (!match) throw new Error(`not a workflow command: ${line}`)
  const decode = (s: string) => decodeURIComponent(s)
  const props = Object.fromEntries(
    match[2]!.split(',').map((pair) => {
      const eq = pair.indexOf('=')
      return [pair.slice(0, eq), decode(pair.slice(eq + 1))]
    }),
  )
  return { kind: match[1], props, message: decode(match[3]!) }
}

describe('escaping (GitHub workflow-command rules)', () => {
  it('escapes % first, then CR and LF in data', () => {
    expect(escapeData('100%\r\nnext %0A')).toBe('100%25%0D%0Anext %250A')
  })

  it('also escapes : and , in properties', () => {
    expect(escapeProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A')
  })
})

describe('githubAnnotations', () => {
  const failing = (name: string, fields: Partial<TestEntry> = {}) =>
    makeTest(name, { passed: false, file: 'evals/x.eval.ts', line: 10, ...fields })

  it('emits one error per failing case with file, line, title and the reason', () => {
    const run = makeRun([
      makeTest('ok', { file: 'evals/x.eval.ts', line: 4 }),
      failing('timeout case', {
        exit_reason: 'timeout',
        timeout_at_turn: 7,
        grades: [{ name: 'unit tests', score: 0, pass: false, explanation: '2 of 5 failed' }],
      }),
    ])
    const lines = githubAnnotations(run)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toBe(
      '::error file=evals/x.eval.ts,line=10,title=Failed%3A suite › timeout case::Exit: timeout at turn 7.%0A✗ unit tests: 2 of 5 failed',
    )
  })

  it('puts regressions first and titles them, naming the previous run', () => {
    const before = makeRun([makeTest('a'), makeTest('z')])
    const after = makeRun([failing('a', { line: 50 }), failing('z', { line: 1 })])
    const lines = githubAnnotations(
      after,
      compareRuns(makeRun([makeTest('z', { passed: false })]), after, FILES),
    )
    expect(lines.map((l) => parseCommand(l).props.title)).toEqual([
      'Still failing: suite › z',
      'Failed: suite › a',
    ])
    expect(parseCommand(lines[0]!).message).toContain('Failed in the previous run too (main @ abc1234)')
    const withPrevious = githubAnnotations(after, compareRuns(before, after, FILES))
    const first = parseCommand(withPrevious[0]!)
    expect(first.props.title).toBe('Regressed: suite › z')
    expect(first.message).toContain('Passed in the previous run (main @ abc1234)')
  })

  it('folds repeats into one annotation per case and warns about gate-flaky cases', () => {
    const reps = (passes: number) =>
      Array.from({ length: 5 }, (_, i) =>
        makeTest(`plan #${i + 1}`, { case_name: 'plan', repeat: i + 1, repeats: 5, passed: i < passes }),
      )
    const before = makeRun(reps(3))
    const after = makeRun(reps(2))
    const lines = githubAnnotations(after, undefined, gate(before, after))
    expect(lines.map((l) => parseCommand(l).kind)).toEqual(['error', 'warning'])
    expect(parseCommand(lines[0]!).message).toBe('Failed 3 of 5 runs.')
    expect(parseCommand(lines[1]!)).toMatchObject({
      props: { title: 'Flaky: suite › plan' },
      message: '3/5 → 2/5 (p=0.500): mixed results or a change that is not significant.',
    })
  })

  it('warns about cases that passed only after a retry, and about a partial run', () => {
    const run = makeRun([makeTest('retried', { flaky: true, attempts: 3 })], { _partial: true })
    const lines = githubAnnotations(run).map(parseCommand)
    expect(lines.map((l) => l.props.title)).toEqual(['Partial eval run (e2e)', 'Flaky: suite › retried'])
    expect(lines[1]!.message).toBe('Passed only after 2 retries.')
    expect(lines[0]!.props.file).toBeUndefined()
  })

  it('escapes hostile names and messages so each annotation stays one command', () => {
    const run = makeRun([
      failing('50%, done: yes', { file: 'evals/a,b:c.eval.ts', error: 'line one\r\nline two' }),
    ])
    const [line] = githubAnnotations(run)
    expect(line).not.toMatch(/[\r\n]/)
    const parsed = parseCommand(line!)
    expect(parsed.props.file).toBe('evals/a,b:c.eval.ts')
    expect(parsed.props.title).toBe('Failed: suite › 50%, done: yes')
    expect(parsed.message).toBe('line one')
  })

  it('folds repeats the same way from the comparison as from the gate', () => {
    const reps = (passes: number) =>
      Array.from({ length: 5 }, (_, i) =>
        makeTest(`plan #${i + 1}`, { case_name: 'plan', repeat: i + 1, repeats: 5, passed: i < passes }),
      )
    const before = makeRun(reps(5))
    const after = makeRun(reps(3))
    const titles = (lines: string[]) => lines.map((l) => parseCommand(l).props.title)
    expect(titles(githubAnnotations(after, compareRuns(before, after, FILES)))).toEqual([
      'Failed: suite › plan',
      'Flaky: suite › plan',
    ])
    const judged = gate(before, after)
    expect(judged.flaky.map((c) => c.key)).toEqual(['suite › plan'])
    expect(titles(githubAnnotations(after, compareRuns(before, after, FILES), judged))).toEqual([
      'Failed: suite › plan',
      'Flaky: suite › plan',
    ])
  })
})

describe('gateAnnotation', () => {
  it('is one error without a file, titled and carrying the whole message', () => {
    const line = gateAnnotation('Eval gate failed (e2e): 1 case regressed', 'Regressed (1):\n  a: 1/1 → 0/1')
    expect(line).not.toMatch(/[\r\n]/)
    expect(parseCommand(line)).toEqual({
      kind: 'error',
      props: { title: 'Eval gate failed (e2e): 1 case regressed' },
      message: 'Regressed (1):\n  a: 1/1 → 0/1',
    })
  })
})
