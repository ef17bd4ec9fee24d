import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { makeRun, makeTest } from '../../compare/__fixtures__/runs.ts'
import { loadRunFile } from '../../store/read-results.ts'
import { type CliSandbox, cliSandbox } from '../__fixtures__/harness.ts'

let box: CliSandbox

const shard = (index: number, tests: ReturnType<typeof makeTest>[], fields = {}) =>
  makeRun(tests, {
    shard: `${index}/3`,
    run_id: `run-${index}`,
    timestamp: `2026-01-02T10:00:0${index}.000Z`,
    branch: 'feat/x',
    ...fields,
  })

beforeEach(() => {
  box = cliSandbox()
  box.write('shards/1.json', shard(1, [makeTest('b', { file: 'evals/b.eval.ts' })], { wall_clock_ms: 5_000 }))
  box.write(
    'shards/2.json',
    shard(2, [makeTest('a', { file: 'evals/a.eval.ts', passed: false })], { wall_clock_ms: 8_000 }),
  )
  box.write('shards/judge.json', shard(3, [makeTest('p')], { tier: 'llm-judge' }))
})

afterEach(() => box.remove())

describe('evalbox merge', () => {
  it('writes one run file named like any other, and list sees one run', async () => {
    const { code, stdout, stderr } = await box.run(['merge', 'shards/1.json', 'shards/2.json'])
    expect(code).toBe(0)
    const name = '0.1.0-feat-x-e2e-20260102-100001.json'
    expect(stdout).toBe(`Merged 2 files (e2e: 1/2 passed) into .evals/${name}\n`)
    expect(stderr).toBe('warning: shard 3/3 not given; the merged run covers only part of the evals.\n')
    const merged = loadRunFile(join(box.dir, name))
    expect(merged.tests.map((t) => t.name)).toEqual(['a', 'b'])
    expect(merged).toMatchObject({
      total_tests: 2,
      passed: 1,
      failed: 1,
      wall_clock_ms: 8_000,
      run_id: 'run-1',
    })
    expect(merged.shard).toBeUndefined()
    const list = await box.run(['list', '--json'])
    expect(JSON.parse(list.stdout).map((r: { file: string }) => r.file)).toEqual([name])
  })

  it('writes to --out', async () => {
    const { code } = await box.run(['merge', 'shards/1.json', 'shards/2.json', '--out', 'merged/all.json'])
    expect(code).toBe(0)
    expect(loadRunFile(join(box.root, 'merged', 'all.json')).total_tests).toBe(2)
  })

  it('refuses runs of different tiers, naming files and tiers', async () => {
    const { code, stderr } = await box.run(['merge', 'shards/1.json', 'shards/judge.json'])
    expect(code).toBe(1)
    expect(stderr).toContain('shards/1.json (e2e), shards/judge.json (llm-judge)')
  })

  it('refuses different commits unless --force', async () => {
    box.write('shards/2.json', shard(2, [makeTest('a')], { git_sha: 'fff0000' }))
    const refused = await box.run(['merge', 'shards/1.json', 'shards/2.json'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('different git_sha')
    expect((await box.run(['merge', 'shards/1.json', 'shards/2.json', '--force'])).code).toBe(0)
  })

  it('never overwrites an input', async () => {
    const input = `.evals/0.1.0-feat-x-e2e-20260102-100001.json`
    box.write(input, shard(1, [makeTest('b')]))
    const { code, stderr } = await box.run(['merge', input, 'shards/2.json'])
    expect(code).toBe(2)
    expect(stderr).toContain('would overwrite its input')
    expect(loadRunFile(join(box.root, input)).shard).toBe('1/3')
  })

  it('exits 2 on usage errors', async () => {
    expect((await box.run(['merge'])).code).toBe(2)
    const both = await box.run(['merge', 'shards/1.json', '--out', 'x.json', '--dir', 'd'])
    expect(both.code).toBe(2)
    expect(existsSync(join(box.root, 'x.json'))).toBe(false)
  })

  it("copies each shard's case files beside the merged file, and warns about those missing", async () => {
    const kept = (index: number, name: string) => ({
      run_dir: `runs/run-${index}/${name}`,
      artifacts: { log: `runs/run-${index}/${name}/agent.log` },
      harvest: {
        patchPath: `runs/run-${index}/${name}/patch.diff`,
        filesChanged: 1,
        files: ['x'],
        isDuplicate: false,
      },
    })
    box.write('a/1.json', shard(1, [makeTest('b', kept(1, 'b'))]))
    box.write('a/runs/run-1/b/patch.diff', '+from shard 1\n')
    box.write('a/runs/run-1/b/agent.log', 'log 1\n')
    box.write('b/2.json', shard(2, [makeTest('a', kept(2, 'a'))]))
    const { code, stderr } = await box.run(['merge', 'a/1.json', 'b/2.json', '--out', 'merged/run.json'])
    expect(code).toBe(0)
    expect(readFileSync(join(box.root, 'merged/runs/run-1/b/patch.diff'), 'utf8')).toBe('+from shard 1\n')
    expect(readFileSync(join(box.root, 'merged/runs/run-1/b/agent.log'), 'utf8')).toBe('log 1\n')
    expect(stderr).toContain(
      `warning: b/2.json: 3 kept files are not beside it (first: ${join(box.root, 'b/runs/run-2/a')})`,
    )
    // Merging again keeps what is there.
    box.write('merged/runs/run-1/b/agent.log', 'kept\n')
    expect((await box.run(['merge', 'a/1.json', 'b/2.json', '--out', 'merged/run.json'])).code).toBe(0)
    expect(readFileSync(join(box.root, 'merged/runs/run-1/b/agent.log'), 'utf8')).toBe('kept\n')
  })
})
