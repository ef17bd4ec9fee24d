import { describe, expect, test } from 'vitest'
import { junitCases } from './junit-xml.ts'
import { findAll, parseXml } from './xml.ts'

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

  test('closes unclosed elements at the end and ignores stray end tags', () => {
    const roots = parseXml('<a><b></c><d/>')
    expect(roots).toHaveLength(1)
    expect(roots[0]!.children[0]!.children.map((c) => c.name)).toEqual(['d'])
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
