import { describe, expect, test } from 'vitest'
import { makeRun, makeTest } from '../../../compare/__fixtures__/runs.ts'
import { findAll as findStrict, parseStrictXml } from '../../../render/__fixtures__/strict-xml.ts'
import { junitXml } from '../../../render/junit.ts'
import { unitTestVerdict } from '../verdict.ts'
import { parseTestOutput } from './index.ts'
import { junitCases } from './junit-xml.ts'
import { findAll, MAX_XML_LENGTH, parseXml, XmlParseError } from './xml.ts'

describe('parseXml', () => {
  test('skips CDATA (split ones included), comments and declarations as whole units', () => {
    const xml = `<?xml version="1.0"?><!DOCTYPE x><!-- <testcase name="c"/> -->
<testsuite><testcase name="real"><system-out><![CDATA[</testcase><testcase name="fake"/>]]]]><![CDATA[>
]]></system-out></testcase></testsuite>`
    const cases = findAll(parseXml(xml), 'testcase')
    expect(cases.map((c) => c.attributes.name)).toEqual(['real'])
    expect(cases[0]!.children.map((c) => c.name)).toEqual(['system-out'])
  })

  test('decodes entities in attributes, and reads > inside quoted values', () => {
    const [element] = parseXml(`<t a="x &gt; y &amp;&#10;&#x41;" b='1>2' c="&bogus;"/>`)
    expect(element!.attributes).toEqual({ a: 'x > y &\nA', b: '1>2', c: '&bogus;' })
  })

  test('malformed XML is a parse error that says what and where', () => {
    const cases: [string, RegExp][] = [
      ['<a><b></c><d/>', /Expected closing tag 'b' .* instead of closing tag 'c'.*line 1, column 7/],
      ['<testsuite><testcase name="x">', /Unclosed tags 'testsuite', 'testcase'/],
      ['<a b="1" b="2"/>', /Attribute 'b' is repeated/],
      ['<a>AT&T</a>', /char '&' is not expected/],
      ['<a>1 < 2</a>', /line 1, column 7/],
      ['', /Start tag expected/],
    ]
    for (const [xml, message] of cases) {
      expect(() => parseXml(xml)).toThrow(XmlParseError)
      expect(() => parseXml(xml)).toThrow(message)
    }
  })

  test('the entities of a DTD are never expanded, and a report past the length bound is refused unread', () => {
    const laughs = `<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><t n="&b;"/>`
    expect(parseXml(laughs)[0]!.attributes).toEqual({ n: '&b;' })
    expect(() => parseXml(`<t>${' '.repeat(100)}</t>`, 50)).toThrow('more than the 50 read')
    expect(MAX_XML_LENGTH).toBe(64 * 1024 * 1024)
  })

  test('reads what the JUnit writer writes as the strict test reader does', () => {
    const xml = junitXml([
      makeRun([makeTest(`a <b> & "c" 'd' ]]> end`), makeTest('x', { passed: false, suite: 'review <x>' })]),
    ])
    const strict = findStrict(parseStrictXml(xml), 'testcase').map((c) => c.attrs)
    expect(findAll(parseXml(xml), 'testcase').map((c) => c.attributes)).toEqual(strict)
    expect(strict.map((a) => a.name)).toEqual([`a <b> & "c" 'd' ]]> end`, 'x'])
  })
})

describe('an unreadable report', () => {
  const terminal = '=== 1 failed, 2 passed in 0.12s ==='

  test('pytest and surefire fall back to the printed output and say why', () => {
    const pytest = parseTestOutput('pytest', terminal, { '/tmp/r.xml': '<testsuite><testcase name="a">' })
    expect(pytest).toMatchObject({
      counts: { passed: 2, failed: 1 },
      reportError: expect.stringContaining("Unclosed tags 'testsuite', 'testcase'"),
    })
    const surefire = parseTestOutput(
      'maven',
      '[INFO] Results:\nTests run: 3, Failures: 1, Errors: 0, Skipped: 0\n',
      {
        'target/surefire-reports/TEST-A.xml': '<testsuite><testcase name="a"/></testsuite>',
        'target/surefire-reports/TEST-B.xml': '<testsuite><testcase name="b"></testsuite>',
      },
    )
    expect(surefire).toMatchObject({
      counts: { passed: 2, failed: 1 },
      reportError: expect.stringContaining('not well-formed XML'),
    })
  })

  test('a default command whose report is unreadable does not pass, and the grade says why', () => {
    const parsed = parseTestOutput('pytest', '', { '/tmp/r.xml': '<testsuite><testcase name="a">' })
    const verdict = unitTestVerdict({
      label: 'pytest',
      exitCode: 0,
      signal: null,
      timedOut: false,
      timeoutMs: 1000,
      parsed,
      expectResults: true,
      resolution: undefined,
      tampered: [],
      emptyTestFiles: [],
      patch: 'applied',
      reportMissing: 'pytest',
    })
    expect(verdict.pass).toBe(false)
    expect(verdict.explanation).toContain(
      "pytest wrote no readable report (the report is not well-formed XML: Unclosed tags 'testsuite', 'testcase'",
    )
  })
})

describe('junitCases', () => {
  test('failure, error, skipped, and flaky-only cases (passed on a rerun)', () => {
    const xml = `<testsuite>
      <testcase classname="A" name="ok"/>
      <testcase classname="A" name="bad"><failure message="x"/></testcase>
      <testcase classname="A" name="boom"><error/></testcase>
      <testcase classname="A" name="later"><skipped/></testcase>
      <testcase classname="A" name="flaky"><flakyFailure/></testcase>
      <testcase classname="A" name="rerun"><failure/><rerunFailure/></testcase>
    </testsuite>`
    expect(junitCases(xml).map((c) => `${c.name}:${c.status}`)).toEqual([
      'ok:passed',
      'bad:failed',
      'boom:error',
      'later:skipped',
      'flaky:passed',
      'rerun:failed',
    ])
  })
})
