import { cpSync, existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ContextBenchReport } from '../../graders/file-backed-context/bench-report.ts'
import { type CliSandbox, cliSandbox } from '../__fixtures__/harness.ts'

const EXAMPLES = resolve(import.meta.dirname, '../../../examples/file-backed-context/fixtures')
const FILES = ['file-backed-context-report.json', 'results.md', 'findings-summary.md', 'ablation.md']

let box: CliSandbox

beforeEach(() => {
  box = cliSandbox()
  cpSync(EXAMPLES, join(box.root, 'examples/file-backed-context/fixtures'), { recursive: true })
})
afterEach(() => box.remove())

describe('evalbox context-bench', () => {
  it('runs the example fixtures, recovers every hidden detail and writes the four files', async () => {
    const { code, stdout, stderr } = await box.run(['context-bench'])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const lines = stdout.split('\n')
    expect(lines[0]).toBe('5 fixtures (artifacts on)')
    expect(lines[1]).toBe('recovered 5/5 hidden details (artifacts off: 3/5 within the 8000-token budget)')
    expect(lines[2]).toMatch(/^inline tokens \d+ → \d+ \(\d+ saved, 9\d\.\d%\)$/)
    expect(lines.slice(3)).toEqual(['Wrote:', ...FILES.map((file) => `  .evals/context-bench/${file}`), ''])
    for (const file of FILES) expect(existsSync(join(box.dir, 'context-bench', file))).toBe(true)
    const report = JSON.parse(
      readFileSync(join(box.dir, 'context-bench', FILES[0]!), 'utf8'),
    ) as ContextBenchReport
    expect(report.results.every((result) => result.answerCorrect && result.recoveredDetail)).toBe(true)
    const findings = readFileSync(join(box.dir, 'context-bench', 'findings-summary.md'), 'utf8')
    expect(findings).toContain('- Hidden-detail recovery: `5/5`\n')
  })

  it('writes to --out, runs inline only with --no-artifacts, and prints JSON', async () => {
    const inline = await box.run([
      'context-bench',
      'examples/file-backed-context/fixtures',
      '--no-artifacts',
      '--out',
      'o',
    ])
    expect(inline.code).toBe(0)
    expect(inline.stdout).toContain('recovered 3/5 hidden details\n')
    expect(inline.stdout).toContain('not recovered: compaction-history-recovery, long-command-output\n')
    expect(existsSync(join(box.root, 'o', 'ablation.md'))).toBe(false)
    const json = await box.run(['context-bench', '--no-ablation', '--json', '--budget', '100000'])
    const parsed = JSON.parse(json.stdout) as { files: string[]; report: ContextBenchReport }
    expect(parsed.files).toHaveLength(3)
    expect(parsed.report).toMatchObject({ artifacts: true, inlineBudgetTokens: 100000 })
  })

  it('exits 1 when a detail is not recovered with artifacts on', async () => {
    const fixture = join(box.root, 'examples/file-backed-context/fixtures/long-command-output.json')
    const text = readFileSync(fixture, 'utf8').replace(
      '"expectedArtifactQuery": "ERROR E4021"',
      '"expectedArtifactQuery": "ERROR E9999"',
    )
    box.write('examples/file-backed-context/fixtures/long-command-output.json', text)
    const { code, stdout } = await box.run(['context-bench'])
    expect(code).toBe(1)
    expect(stdout).toContain('recovered 4/5 hidden details')
    expect(stdout).toContain('not recovered: long-command-output\n')
  })

  it('exits 2 for usage errors and a missing fixture folder, and 1 for an invalid fixture', async () => {
    const both = await box.run(['context-bench', '--no-artifacts', '--ablation'])
    expect(both).toMatchObject({ code: 2 })
    expect(both.stderr).toContain('pass it or --no-artifacts, not both')
    expect((await box.run(['context-bench', '--budget', 'lots'])).stderr).toContain(
      '--budget must be a whole number',
    )
    expect((await box.run(['context-bench', '--bogus'])).code).toBe(2)
    const missing = await box.run(['context-bench', 'nowhere'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain(`fixture folder not found: ${join(box.root, 'nowhere')}`)
    box.write('bad/x.json', { id: 'x' })
    const invalid = await box.run(['context-bench', 'bad'])
    expect(invalid.code).toBe(1)
    expect(invalid.stderr).toContain(`Fixture ${join(box.root, 'bad', 'x.json')} is invalid`)
    const help = await box.run(['help', 'context-bench'])
    expect(help.stdout).toContain('Usage: evalbox context-bench [fixtureDir]')
  })
})
