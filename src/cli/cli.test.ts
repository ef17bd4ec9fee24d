import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeNotRun, makeRun, makeTest } from '../compare/__fixtures__/runs.ts'
import type { RunFile } from '../store/schema.ts'
import { cliSandbox } from './__fixtures__/harness.ts'
import { useColor } from './context.ts'

const cli = cliSandbox()
const { root, dir } = cli

const OLD = '0.1.0-main-e2e-20260101-090000.json'
const FEAT = '0.1.0-feat-x-e2e-20260101-120000.json'
const NEW = '0.1.0-main-e2e-20260102-100000.json'
const PARTIAL = '0.1.0-main-e2e-20260103-100000.json'
const JUDGE = '0.1.0-main-llm-judge-20260102-110000.json'

const write = (name: string, content: unknown) => cli.write(join('.evals', name), content)
const run = (argv: string[], env: Record<string, string> = {}) => cli.run(argv, env)

function at(timestamp: string, tests: RunFile['tests'], fields: Partial<RunFile> = {}): RunFile {
  return makeRun(tests, { timestamp, ...fields })
}

beforeAll(() => {
  mkdirSync(join(dir, 'runs', 'r2', 'checkout'), { recursive: true })
  write(OLD, at('2026-01-01T09:00:00Z', [makeTest('checkout'), makeTest('login', { passed: false })]))
  write(FEAT, at('2026-01-01T12:00:00Z', [makeTest('checkout', { passed: false })], { branch: 'feat/x' }))
  write(
    NEW,
    at(
      '2026-01-02T10:00:00Z',
      [
        makeTest('checkout', {
          passed: false,
          exit_reason: 'timeout',
          run_dir: 'runs/r2/checkout',
          artifacts: { transcript: 'runs/r2/checkout/transcript.ndjson' },
          harvest: { filesChanged: 2, patchPath: 'runs/r2/checkout/patch.diff', isDuplicate: false },
        }),
        makeTest('login'),
      ],
      {
        git_sha: 'feedbeef99',
        wall_clock_ms: 12_000,
        not_run: [makeNotRun('slow one', { reason: 'no key' })],
      },
    ),
  )
  write(PARTIAL, at('2026-01-03T10:00:00Z', [makeTest('checkout')], { _partial: true }))
  write(JUDGE, at('2026-01-02T11:00:00Z', [makeTest('plan', { tier: 'llm-judge' })], { tier: 'llm-judge' }))
  write('broken.json', '{"schema_version": 1, "tests": [')
  write('tsconfig.json', { compilerOptions: { strict: true } })
  write('future.json', at('2026-02-01T00:00:00Z', [makeTest('checkout')], { schema_version: 99 }))
  write('runs/inside.json', at('2026-03-01T00:00:00Z', [makeTest('never listed')]))
})

afterAll(() => cli.remove())

const warningsIn = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('warning: '))

describe('evalbox list', () => {
  it('lists runs newest first and warns once per unusable file', async () => {
    const r = await run(['list'])
    expect(r.code).toBe(0)
    const files = [PARTIAL, JUDGE, NEW, FEAT, OLD]
    const positions = files.map((f) => r.stdout.indexOf(f))
    expect(positions.every((p) => p > 0)).toBe(true)
    expect([...positions].sort((a, b) => a - b)).toEqual(positions)
    expect(r.stdout).toContain(`${PARTIAL} (partial)`)
    expect(r.stdout).toContain('1/2 +1 skipped')
    expect(r.stdout).not.toContain('inside.json')
    const warnings = warningsIn(r.stderr)
    expect(warnings).toHaveLength(3)
    for (const name of ['broken.json', 'tsconfig.json', 'future.json']) {
      expect(warnings.filter((w) => w.includes(name))).toHaveLength(1)
    }
  })

  it('filters by tier and prints JSON', async () => {
    const r = await run(['list', '--tier', 'llm-judge', '--json'])
    expect(r.code).toBe(0)
    const runs = JSON.parse(r.stdout) as Array<{ file: string; passed: number }>
    expect(runs.map((x) => x.file)).toEqual([JUDGE])
  })

  it('takes the directory from --dir over EVALBOX_DIR', async () => {
    const empty = await run(['list'], { EVALBOX_DIR: 'nowhere' })
    expect(empty.stdout).toMatch(/nowhere: no runs\. Run your evals/)
    const flagged = await run(['list', '--dir', '.evals', '--json'], { EVALBOX_DIR: 'nowhere' })
    expect(JSON.parse(flagged.stdout)).toHaveLength(5)
  })
})

describe('evalbox compare', () => {
  it('with no files, compares the newest finalized run (of --tier) with its previous run', async () => {
    const newest = await run(['compare'])
    expect(newest.stdout).toContain(`Run: .evals/${JUDGE}`)
    const r = await run(['compare', '--tier', 'e2e'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`Run: .evals/${NEW} (main @ 2026-01-02 10:00 UTC)`)
    expect(r.stdout).toContain(`vs previous: main @ 2026-01-01 09:00 UTC (abc1234) — ${OLD}`)
    expect(r.stdout).toContain('REGRESSION: "checkout" was passing, now fails — timeout.')
    expect(r.stdout).toContain('Fixed: "login" now passes.')
    expect(r.stdout.indexOf('Regressed (1):')).toBeLessThan(r.stdout.indexOf('Fixed (1):'))
    expect(warningsIn(r.stderr)).toHaveLength(3)
  })

  it('compares one file with its previous run, and two files exactly', async () => {
    // FEAT has no earlier run of its branch; the fallback must be an earlier run, never NEW.
    const one = await run(['compare', FEAT, '--json'], { EVALBOX_DIR: '.evals' })
    expect(one.code).toBe(0)
    expect(JSON.parse(one.stdout)).toMatchObject({ before_file: join(dir, OLD), counts: { regressed: 1 } })

    const two = await run(['compare', `.evals/${FEAT}`, `.evals/${NEW}`, '--json'])
    const c = JSON.parse(two.stdout)
    expect(c).toMatchObject({
      before_file: join(dir, FEAT),
      before_branch: 'feat/x',
      counts: { 'still-failing': 1, added: 1 },
    })
    expect(c.commentary.slice(0, 2)).toEqual([
      'Still failing: "checkout" failed in the earlier run too — timeout.',
      'New: 1 test without a previous result.',
    ])
  })

  it('says when there is nothing earlier to compare with', async () => {
    const r = await run(['compare', '--tier', 'llm-judge'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('No earlier finalized llm-judge run to compare with')
  })

  it('exits 2 naming the directory when there are no runs', async () => {
    const r = await run(['compare', '--dir', 'empty-dir'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(join(root, 'empty-dir'))
    expect(r.stderr).toContain('EVALBOX_DIR')
  })
})

describe('refusing files it cannot read', () => {
  it.each([[['show', 'future.json']], [['compare', 'future.json']], [['compare', OLD, 'future.json']]])(
    '%j refuses a newer schema_version with the fix',
    async (argv) => {
      const r = await run(argv)
      expect(r.code).toBe(1)
      expect(r.stderr).toContain(join(dir, 'future.json'))
      expect(r.stderr).toMatch(
        /schema_version 99, newer than this evalbox understands \(1\)\. Upgrade evalbox/,
      )
    },
  )

  it('names a missing file and the fix', async () => {
    const r = await run(['show', 'nope.json'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('"nope.json"')
    expect(r.stderr).toContain('evalbox list')
  })

  it('reports an unparseable file given directly', async () => {
    const r = await run(['show', 'broken.json'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('is not valid JSON')
  })
})

describe('evalbox show', () => {
  it('prints the summary table and the artifact paths', async () => {
    const r = await run(['show', NEW])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Eval results — v0.1.0 @ main (feedbee) — e2e')
    expect(r.stdout).toContain('Total: 1/2 passed, 1 skipped — $0.20 — 20s (wall 12s)')
    expect(r.stdout).toContain(`Saved: .evals/${NEW}`)
    expect(r.stdout).toContain(
      [
        'Artifacts:',
        '  checkout',
        '    run dir: .evals/runs/r2/checkout',
        '    transcript: .evals/runs/r2/checkout/transcript.ndjson',
        '    patch: .evals/runs/r2/checkout/patch.diff',
      ].join('\n'),
    )
  })

  it('prints the validated file as JSON', async () => {
    const r = await run(['show', `.evals/${NEW}`, '--json'])
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(readFileSync(join(dir, NEW), 'utf8')))
  })
})

describe('usage', () => {
  it.each([
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['list', '--bogus'], "Unknown option '--bogus'"],
    [['compare', 'a', 'b', 'c'], 'at most two files, got 3'],
    [['show'], 'needs a run file'],
    [['list', '--dir'], '--dir'],
    [[], 'missing command'],
  ])('%j exits 2 with a one-line reason', async (argv, reason) => {
    const r = await run(argv)
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toContain(reason)
    expect(r.stdout).toBe('')
  })

  it('prints help for the program and for a command', async () => {
    const top = await run(['--help'])
    expect(top.code).toBe(0)
    expect(top.stdout).toMatch(/^Usage: evalbox <command>/)
    const cmd = await run(['compare', '--help'])
    expect(cmd.stdout).toMatch(/^Usage: evalbox compare \[before\] \[after\]/)
  })

  it('prints the version from package.json', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
    const r = await run(['--version'])
    expect(r.stdout).toBe(`${pkg.version}\n`)
  })
})

describe('colour', () => {
  const ESC = '\u001b['
  it('is off when the output is not a terminal, on with FORCE_COLOR, and NO_COLOR wins', async () => {
    expect((await run(['show', NEW])).stdout).not.toContain(ESC)
    const forced = (await run(['show', NEW], { FORCE_COLOR: '1' })).stdout
    expect(forced).toContain(`${ESC}31mFAIL${ESC}39m`)
    expect(forced.replaceAll(new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g'), '')).toBe(
      (await run(['show', NEW])).stdout,
    )
    expect((await run(['show', NEW], { FORCE_COLOR: '0' })).stdout).not.toContain(ESC)
    expect((await run(['show', NEW], { FORCE_COLOR: '1', NO_COLOR: '1' })).stdout).not.toContain(ESC)
  })

  it('follows the stream: a TTY gets colour unless NO_COLOR is set', () => {
    const io = { cwd: root, stdout: { write: () => true }, stderr: { write: () => true } }
    expect(useColor({ ...io, env: {} }, { write: () => true, isTTY: true })).toBe(true)
    expect(useColor({ ...io, env: { NO_COLOR: '1' } }, { write: () => true, isTTY: true })).toBe(false)
    expect(useColor({ ...io, env: {} }, { write: () => true, isTTY: false })).toBe(false)
  })
})
