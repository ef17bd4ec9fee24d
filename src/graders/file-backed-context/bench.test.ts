import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { runContextBench } from './bench.ts'
import type { ContextBenchReport } from './bench-report.ts'

const EXAMPLES = resolve(import.meta.dirname, '../../../examples/file-backed-context/fixtures')

let out: string
beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), 'evalbox-context-bench-test-'))
})
afterEach(() => rmSync(out, { recursive: true, force: true }))

describe('runContextBench', () => {
  test('recovers every example detail with artifacts and shows what the inline context loses', async () => {
    const { report, files } = await runContextBench(EXAMPLES, { outDir: out })
    expect(files.map((file) => file.slice(out.length + 1))).toEqual([
      'file-backed-context-report.json',
      'results.md',
      'findings-summary.md',
      'ablation.md',
    ])
    const saved = JSON.parse(readFileSync(files[0]!, 'utf8')) as ContextBenchReport
    expect(saved).toEqual(JSON.parse(JSON.stringify(report)))
    expect(report).toMatchObject({
      fixtureDir: EXAMPLES,
      offline: true,
      artifacts: true,
      inlineBudgetTokens: 8000,
    })
    expect(report.results.map((r) => [r.fixtureId, r.answerCorrect])).toEqual([
      ['compaction-history-recovery', true],
      ['long-command-output', true],
      ['pytest-failure-from-file', true],
      ['source-file-header', true],
      ['test-summary-tail', true],
    ])
    const long = report.results.find((r) => r.fixtureId === 'long-command-output')!
    expect(long).toMatchObject({ artifactLinesWritten: 2400, artifactGrepCount: 1 })
    expect(long.recoveredDetail).toMatch(/^line 1937: ERROR E4021 migration 0042_add_user_email_index failed/)
    const history = report.results.find((r) => r.fixtureId === 'compaction-history-recovery')!
    expect(history.artifactLinesWritten).toBe(900)
    expect(JSON.parse(history.recoveredDetail!)).toMatchObject({ turn: 617 })
    // The two details buried mid-output are cut from an 8000-token inline context; the
    // head (read) and tail (tail) details, and the small payload file, survive.
    expect(report.ablation!.results.map((r) => [r.fixtureId, r.answerCorrect, r.inlineTruncated])).toEqual([
      ['compaction-history-recovery', false, true],
      ['long-command-output', false, true],
      ['pytest-failure-from-file', true, false],
      ['source-file-header', true, true],
      ['test-summary-tail', true, true],
    ])
    const ablation = readFileSync(join(out, 'ablation.md'), 'utf8')
    expect(ablation).toContain('| `long-command-output` | grep | yes | no |')
    expect(ablation).toMatch(/\| \*\*Total\*\* \| {2}\| 5\/5 \| 3\/5 \|/)
    expect(readFileSync(join(out, 'results.md'), 'utf8')).toContain(
      `- \`long-command-output\`: \`${long.recoveredDetail}\``,
    )
  })

  test('runs inline only with artifacts off, and without the ablation on request', async () => {
    const inline = await runContextBench(EXAMPLES, { outDir: out, artifacts: false })
    expect(inline.report.artifacts).toBe(false)
    expect(inline.report.ablation).toBeUndefined()
    expect(inline.report.results.filter((r) => r.answerCorrect)).toHaveLength(3)
    expect(readdirSync(out).sort()).toEqual([
      'file-backed-context-report.json',
      'findings-summary.md',
      'results.md',
    ])
    const plain = await runContextBench(EXAMPLES, { ablation: false })
    expect(plain.files).toEqual([])
    expect(plain.report.ablation).toBeUndefined()
  })

  test('keeps artifacts under artifactRoot when asked', async () => {
    await runContextBench(EXAMPLES, { artifactRoot: out, ablation: false })
    expect(readdirSync(out).sort()).toEqual([
      'bench-compaction-history-recovery',
      'bench-long-command-output',
      'bench-pytest-failure-from-file',
      'bench-source-file-header',
      'bench-test-summary-tail',
    ])
  })

  test('refuses a folder without fixtures', async () => {
    await expect(runContextBench(out)).rejects.toThrow(`No fixture JSON files in ${out}`)
    expect(existsSync(join(out, 'results.md'))).toBe(false)
  })
})
