import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { parseTestOutput } from './index.ts'
import { plainLines, tally } from './text.ts'

// Real tool output, produced by __fixtures__/captured/capture.sh (see the README there).
const dir = new URL('../__fixtures__/captured/', import.meta.url)
const read = (name: string) => readFileSync(new URL(name, dir), 'utf8')
const files = (...names: string[]) => Object.fromEntries(names.map((name) => [name, read(name)]))
const status = (parsed: ReturnType<typeof parseTestOutput>, name: string) =>
  parsed.tests.filter((t) => t.name === name).map((t) => t.status)

// Every capture holds the tool's own summary line (quoted in `line`); the parser's counts
// must equal the numbers on it.
describe('parsers agree with the tools’ own counts on captured output', () => {
  describe.each(['9.0.3', '7.2.1'])('pytest %s', (version) => {
    // pytest's closing line: 1 failed, 6 passed, 1 skipped, 1 xfailed, 1 error.
    const line = '1 failed, 6 passed, 1 skipped, 1 xfailed, 1 error in'
    const counts = { passed: 6, failed: 1, skipped: 2, errors: 1 }

    test('terminal output (-rA): counts from the closing line, node ids from the short summary', () => {
      const output = read(`pytest-${version}.txt`)
      expect(output).toContain(line)
      const parsed = parseTestOutput('pytest', output)
      expect(parsed.counts).toEqual(counts)
      // The passing test printed "PASSED tests/test_calc.py::test_sub" and "99 passed";
      // both sit in its captured output, above pytest's own summary.
      expect(status(parsed, 'tests/test_calc.py::test_sub')).toEqual(['failed'])
      expect(status(parsed, 'tests/test_calc.py::TestGroup::test_in_class')).toEqual(['passed'])
      expect(status(parsed, 'tests/test_calc.py::test_add_many[0-5-5]')).toEqual(['passed'])
      expect(status(parsed, 'tests/test_calc.py::test_uses_broken')).toEqual(['error'])
      expect(status(parsed, 'tests/test_calc.py::test_known_bug')).toEqual(['skipped'])
    })

    test('JUnit XML (the default command): same counts, same node ids, skips named too', () => {
      const output = read(`pytest-${version}.txt`)
      const parsed = parseTestOutput('pytest', output, files(`pytest-${version}.junit.xml`))
      expect(parsed.counts).toEqual(counts)
      expect(tally(parsed.tests)).toEqual(counts)
      const fromText = parseTestOutput('pytest', output).tests
      for (const t of fromText) expect(status(parsed, t.name)).toEqual([t.status])
      expect(status(parsed, 'tests/test_calc.py::test_skipped')).toEqual(['skipped'])
    })
  })

  test('pytest -q: the closing line without rules', () => {
    const output = read('pytest-9.0.3-q.txt')
    expect(output).toMatch(/^1 failed, 6 passed, 1 skipped, 1 xfailed, 1 error in [\d.]+s$/m)
    expect(parseTestOutput('pytest', output).counts).toEqual({ passed: 6, failed: 1, skipped: 2, errors: 1 })
  })

  // node's closing lines: tests 13, pass 6, fail 4, cancelled 1, skipped 1, todo 1.
  const nodeCounts = { passed: 6, failed: 4, skipped: 2, errors: 1 }
  test.each(['node-20.20.2-tap.txt', 'node-18.20.4-tap.txt'])('node:test TAP (%s)', (name) => {
    const output = read(name)
    for (const line of ['# pass 6', '# fail 4', '# cancelled 1', '# skipped 1', '# todo 1']) {
      expect(output).toContain(`\n${line}\n`)
    }
    const parsed = parseTestOutput('node', output)
    expect(parsed.counts).toEqual(nodeCounts)
    // Statuses of the test points add up to node's counts: suites are left out, and the
    // `ok 99 - fake pass` a test printed is a comment, not a result.
    expect(tally(parsed.tests)).toEqual(nodeCounts)
    expect(parsed.tests).toHaveLength(13)
    expect(status(parsed, 'math > nested > adds zero')).toEqual(['passed'])
    expect(status(parsed, 'math > subtracts to zero')).toEqual(['failed'])
    expect(status(parsed, 'parent # with hash > child two')).toEqual(['failed'])
    expect(status(parsed, 'slow')).toEqual(['error'])
    expect(status(parsed, 'todo one')).toEqual(['skipped'])
    expect(status(parsed, 'math')).toEqual([])
    expect(parsed.tests.some((t) => t.name.includes('fake'))).toBe(false)
  })

  test('node:test spec reporter: counts from the ℹ lines, not the printed "# pass 99"', () => {
    const output = read('node-20.20.2-spec.txt')
    expect(output).toContain('ℹ pass 6\nℹ fail 4\nℹ cancelled 1\nℹ skipped 1\nℹ todo 1')
    const parsed = parseTestOutput('node', output)
    expect(parsed.counts).toEqual(nodeCounts)
    expect(status(parsed, 'math > nested > adds zero')).toEqual(['passed'])
    expect(status(parsed, 'subtracts')).toEqual(['failed'])
    expect(status(parsed, 'skipped one')).toEqual(['skipped'])
  })

  // `sources/node-exit`: calc.test.js imports a module that calls process.exit(0), helpers.js
  // has no tests; node says "# pass 3" for the one real test (`doubles`).
  test.each([
    ['node-20.20.2-tap-exit.txt', '/tmp/capture/node-exit/test/'],
    ['node-20.20.2-spec-exit.txt', '/tmp/capture/node-exit/test/'],
    ['node-18.20.4-tap-exit.txt', '/w/test/'],
    // Node 22 names the files relative to its working directory.
    ['node-22.23.3-tap-exit.txt', 'test/'],
  ])('node:test files that reported no test are not passing tests (%s)', (name, folder) => {
    const output = read(name)
    expect(output).toMatch(/^(# |ℹ )pass 3$/m)
    const parsed = parseTestOutput('node', output)
    expect(parsed.tests).toEqual([{ name: 'doubles', status: 'passed' }])
    expect(parsed.counts).toEqual({ passed: 1, failed: 0, skipped: 0, errors: 0 })
    expect(parsed.emptyFiles).toEqual([`${folder}calc.test.js`, `${folder}helpers.js`])
  })

  test('node:test: a file-level entry that failed, or a test with subtests, is not an empty file', () => {
    const tap = [
      'TAP version 13',
      '# Subtest: /w/test/broken.test.js',
      'not ok 1 - /w/test/broken.test.js',
      '  ---',
      "  failureType: 'testCodeFailure'",
      '  ...',
      '# Subtest: /w/test/parent.js',
      '    # Subtest: child',
      '    ok 1 - child',
      '    1..1',
      'ok 2 - /w/test/parent.js',
      '1..2',
      '# pass 2',
      '# fail 1',
    ].join('\n')
    const parsed = parseTestOutput('node', tap)
    expect(parsed.emptyFiles).toBeUndefined()
    expect(parsed.tests).toEqual([
      { name: '/w/test/broken.test.js', status: 'failed' },
      { name: '/w/test/parent.js > child', status: 'passed' },
      { name: '/w/test/parent.js', status: 'passed' },
    ])
  })

  // vitest's own lines: "Tests  1 failed | 4 passed | 1 skipped | 1 todo (7)" and "Failed Suites 1".
  const vitestCounts = { passed: 4, failed: 1, skipped: 2, errors: 1 }
  test('vitest JSON report file, JSON on stdout, and the default reporter alone', () => {
    const text = plainLines(read('vitest-4.1.12-default.txt')).join('\n')
    expect(text).toMatch(/Tests +1 failed \| 4 passed \| 1 skipped \| 1 todo \(7\)/)
    expect(text).toContain('Failed Suites 1')
    const fromFile = parseTestOutput('vitest', read('vitest-4.1.12-default.txt'), files('vitest-4.1.12.json'))
    expect(fromFile.counts).toEqual(vitestCounts)
    expect(tally(fromFile.tests)).toEqual(vitestCounts)
    expect(status(fromFile, 'math > nested > adds zero')).toEqual(['passed'])
    expect(fromFile.tests.find((t) => t.status === 'error')?.name).toMatch(/broken\.test\.js$/)
    expect(parseTestOutput('vitest', read('vitest-4.1.12-stdout.txt')).counts).toEqual(vitestCounts)
    // The default reporter alone; a test printed "Tests  99 passed (99)" above the real line.
    expect(parseTestOutput('vitest', read('vitest-4.1.12-default.txt')).counts).toEqual(vitestCounts)
  })

  test('jest --json: counts equal the "Tests:" line; the suite that failed to run is an error', () => {
    const stderr = read('jest-30.5.2-stderr.txt')
    expect(stderr).toContain('Tests:       1 failed, 1 skipped, 1 todo, 4 passed, 7 total')
    expect(stderr.match(/Test suite failed to run/g)).toHaveLength(1)
    const counts = { passed: 4, failed: 1, skipped: 2, errors: 1 }
    const parsed = parseTestOutput('jest', read('jest-30.5.2.json'))
    expect(parsed.counts).toEqual(counts)
    expect(tally(parsed.tests)).toEqual(counts)
    expect(status(parsed, 'math > adds negatives')).toEqual(['passed'])
    expect(parseTestOutput('jest', stderr, files('jest-30.5.2.json')).counts).toEqual(counts)
    // Without the JSON, the "Tests:" line gives all but the errors.
    expect(parseTestOutput('jest', stderr).counts).toEqual({ ...counts, errors: 0 })
  })

  test('go test -json: counts equal go -v’s result lines, and a printed "--- PASS" cannot flip a failure', () => {
    const verbose = read('go-1.19.8-v.txt')
    const lines = (word: string) => verbose.match(new RegExp(`^\\s*--- ${word}: `, 'gm'))?.length ?? 0
    const own = {
      passed: lines('PASS'),
      failed: lines('FAIL'),
      skipped: lines('SKIP'),
      errors: verbose.match(/\[build failed\]$/gm)?.length ?? 0,
    }
    expect(own).toEqual({ passed: 5, failed: 1, skipped: 1, errors: 1 })
    const json = read('go-1.19.8-json.txt')
    // Go 1.19's test2json turned TestPrintsLies' printed line into a second event for TestSub.
    expect(json).toContain('"Action":"pass","Package":"example.com/calc","Test":"TestSub"')
    const parsed = parseTestOutput('go', json)
    expect(parsed.counts).toEqual(own)
    expect(status(parsed, 'TestSub')).toEqual(['failed'])
    expect(status(parsed, 'TestTable/1+1')).toEqual(['passed'])
    expect(status(parsed, 'example.com/calc/broken')).toEqual(['error'])
  })

  test('cargo test: the sum of each binary’s "test result:" line', () => {
    const output = read('cargo-1.95.0.txt')
    for (const line of [
      'test result: FAILED. 2 passed; 1 failed; 1 ignored;',
      'test result: FAILED. 1 passed; 1 failed; 0 ignored;',
    ]) {
      expect(output).toContain(line)
    }
    expect(output.match(/^test result: FAILED\. /gm)).toHaveLength(3)
    const parsed = parseTestOutput('cargo', output)
    // 2+1+1 passed, 1+1+1 failed, 1 ignored; the "99 passed" a failing test printed is not counted.
    expect(parsed.counts).toEqual({ passed: 4, failed: 3, skipped: 1, errors: 0 })
    expect(tally(parsed.tests)).toEqual(parsed.counts)
    expect(status(parsed, 'tests::subtracts')).toEqual(['failed'])
    expect(status(parsed, 'src/lib.rs - add (line 3)')).toEqual(['passed'])
    expect(status(parsed, 'tests::ignored_one')).toEqual(['skipped'])
  })

  test('maven surefire XML and console: "Tests run: 6, Failures: 1, Errors: 1, Skipped: 1"', () => {
    const output = read('maven-3.8.7.txt')
    expect(output).toContain('Tests run: 6, Failures: 1, Errors: 1, Skipped: 1')
    const counts = { passed: 3, failed: 1, skipped: 1, errors: 1 }
    const reportDir = 'maven-3.8.7-surefire-reports/'
    const reports = files(...readdirSync(new URL(reportDir, dir)).map((name) => reportDir + name))
    const parsed = parseTestOutput('maven', output, reports)
    expect(parsed.counts).toEqual(counts)
    expect(status(parsed, 'com.example.CalcTest#throwsError')).toEqual(['error'])
    expect(status(parsed, 'com.example.OtherTest#addsZero')).toEqual(['passed'])
    // printsLies wrote `<testcase name="fake"/>` into its CDATA system-out.
    expect(parsed.tests.map((t) => t.name)).not.toContain('fake')
    // Console only: the "Tests run: 99" line the test printed is not after "Results:".
    expect(parseTestOutput('maven', output).counts).toEqual(counts)
  })
})

describe('parsers on output without results', () => {
  test.each(['pytest', 'node', 'vitest', 'jest', 'go', 'cargo', 'maven'] as const)(
    '%s: no counts from unrelated text',
    (framework) => {
      expect(parseTestOutput(framework, 'sh: 1: runner: not found\n').counts).toBeUndefined()
    },
  )

  test('pytest "no tests ran" counts zero; an unknown framework is a config error', () => {
    expect(parseTestOutput('pytest', '===== no tests ran in 0.01s =====').counts).toEqual({
      passed: 0,
      failed: 0,
      skipped: 0,
      errors: 0,
    })
    // @ts-expect-error: not a framework
    expect(() => parseTestOutput('mocha', '')).toThrow(/unknown framework `"mocha"`/)
  })
})
