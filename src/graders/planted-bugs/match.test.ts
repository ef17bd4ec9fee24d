import { describe, expect, test } from 'vitest'
import { parseFindings } from './findings.ts'
import { type GroundTruth, parseGroundTruth } from './ground-truth.ts'
import { matchFindings, overallEvidence } from './match.ts'

const truth: GroundTruth = parseGroundTruth({
  bugs: [
    {
      id: 'off-by-one-paginate',
      file: 'src/paginate.js',
      lines: [12, 12],
      description: 'off-by-one: `<` became `<=` in paginate()',
      keywords: ['paginate', 'pageSize', 'end'],
    },
    {
      id: 'null-guard-findUser',
      file: 'src/users.js',
      line_range: [30, 31],
      description: 'dropped null check in findUser()',
      keywords: ['findUser', 'null', 'id'],
    },
  ],
  minimum_detection: 1,
  max_false_positives: 1,
})

describe('parseFindings', () => {
  test('reads list items with file:line, ranges, #L anchors and loose line references', () => {
    const findings = parseFindings(
      [
        'I reviewed the code. Here is what I found:',
        '',
        '1. `src/paginate.js:12-13` — the loop uses `<=`.',
        '   It reads one item too many.',
        '2. In src/users.js (lines 30 to 31) the guard is gone.',
        '   - sub point about ./src/users.js#L40',
        '- `lib/a.py#L3-L5` is fine',
      ].join('\n'),
    )
    expect(findings.map((f) => f.kind)).toEqual(['paragraph', 'item', 'item', 'item'])
    expect(findings[1]!.locations).toEqual([{ file: 'src/paginate.js', range: [12, 13] }])
    expect(findings[1]!.text).toContain('one item too many')
    expect(findings[2]!.locations).toEqual([
      { file: 'src/users.js', range: [40, 40] },
      { file: 'src/users.js', range: [30, 31] },
    ])
    expect(findings[3]!.locations).toEqual([{ file: 'lib/a.py', range: [3, 5] }])
  })

  test('findings under a heading take its file; a heading alone is a finding', () => {
    const findings = parseFindings(
      ['## src/paginate.js', '', '- line 12: `<=` reads past the end', '', '### Bug in src/users.js:30'].join(
        '\n',
      ),
    )
    expect(findings).toHaveLength(2)
    expect(findings[0]!.locations).toContainEqual({ file: 'src/paginate.js', range: [12, 12] })
    expect(findings[1]!.locations).toEqual([{ file: 'src/users.js', range: [30, 30] }])
  })

  test('does not take "e.g." or version numbers for files, and keeps code fences in their finding', () => {
    const findings = parseFindings(
      [
        '- e.g. version 1.2 of the API',
        '- src/users.js:31 drops the guard:',
        '  ```js',
        '',
        '  return db[id]',
        '  ```',
      ].join('\n'),
    )
    expect(findings).toHaveLength(2)
    expect(findings[0]!.files).toEqual([])
    expect(findings[1]!.text).toContain('return db[id]')
  })
})

describe('matchFindings', () => {
  test('a finding detects a bug by file and line within tolerance, or file and two keywords', () => {
    const review = [
      '- src/paginate.js:14 — slicing goes one element past the last page because the loop bound changed.',
      '- users.js: findUser no longer returns early for a null id',
    ].join('\n')
    const m = matchFindings(truth, parseFindings(review))
    expect(m.detected).toEqual(['off-by-one-paginate', 'null-guard-findUser'])
    expect(m.evidence).toEqual({ 'off-by-one-paginate': 3, 'null-guard-findUser': 2 })
    expect(m.evidenceQuality).toBe(2)
    expect(m.falsePositives).toEqual([])
  })

  test('a line outside the tolerance or another file does not detect; cited places that match nothing are false positives', () => {
    const review = [
      '- src/paginate.js:20 has an off-by-one',
      '- src/other.js:12 — paginate pageSize is wrong',
      '- looks good overall',
    ].join('\n')
    const m = matchFindings(truth, parseFindings(review))
    expect(m.detected).toEqual([])
    expect(m.evidence['off-by-one-paginate']).toBe(1)
    expect(m.falsePositives).toEqual([1])
    expect(m.evidenceQuality).toBe(1)
  })

  test('free paragraphs of a list review are commentary, in a paragraph review they can be false positives', () => {
    const listed = matchFindings(
      truth,
      parseFindings('Overall src/app.js:3 is tidy.\n\n- src/paginate.js:12 off by one'),
    )
    expect(listed.falsePositives).toEqual([])
    const prose = matchFindings(
      truth,
      parseFindings('Overall src/app.js:3 is wrong.\n\nsrc/paginate.js:12 off by one'),
    )
    expect(prose.falsePositives).toEqual([1])
    expect(prose.detected).toEqual(['off-by-one-paginate'])
  })

  test('evidence quality is 3 only when every detected bug is cited with file, line and explanation', () => {
    const review = [
      '- src/paginate.js:12 — the comparison lets the index reach pageSize, one past the end.',
      '- src/users.js:30 — findUser dereferences the record without checking for a missing user.',
    ].join('\n')
    expect(matchFindings(truth, parseFindings(review)).evidenceQuality).toBe(3)
    expect(matchFindings(truth, parseFindings('')).evidenceQuality).toBe(0)
  })
})

describe('overallEvidence', () => {
  test('follows the rubric for judge-given levels', () => {
    expect(overallEvidence([3, 3, 0], [true, true, false])).toBe(3)
    expect(overallEvidence([3, 1], [true, true])).toBe(2)
    expect(overallEvidence([1, 1, 2], [true, true, true])).toBe(1)
    expect(overallEvidence([1, 0], [false, false])).toBe(1)
    expect(overallEvidence([0, 0], [false, false])).toBe(0)
  })
})

describe('parseGroundTruth', () => {
  test('names the bad field and accepts a single line', () => {
    expect(() =>
      parseGroundTruth({
        bugs: [{ id: 'a', file: 'x.js', lines: [5, 2], description: '' }],
        minimum_detection: 1,
        max_false_positives: 0,
      }),
    ).toThrow(/`bugs\[0\]\.lines`/)
    expect(() => parseGroundTruth({ bugs: [{ id: 'a', file: 'x.js', lines: 3, description: '' }] })).toThrow(
      /`minimum_detection`/,
    )
    expect(() =>
      parseGroundTruth({
        bugs: [{ id: 'a', file: 'x.js', description: '' }],
        minimum_detection: 1,
        max_false_positives: 0,
      }),
    ).toThrow(/`bugs\[0\]\.lines`.*line_range/)
    const ok = parseGroundTruth({
      bugs: [{ id: 'a', file: './x.js', lines: 3, description: 'd' }],
      minimum_detection: 1,
      max_false_positives: 0,
    })
    expect(ok.bugs[0]).toMatchObject({ file: 'x.js', lines: [3, 3], keywords: [] })
  })
})
