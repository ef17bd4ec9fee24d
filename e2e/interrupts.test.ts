import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { copyFixture, readJson, resultFiles, runVitest } from './support/run-vitest.ts'

type Run = {
  _partial?: boolean
  partial_reason?: string
  tests: { name: string }[]
  not_run?: { name: string; status: string }[]
}

/**
 * True once the run's workers have finished `count` cases (their journals hold them; the
 * reporter may receive them later, see src/store/worker-journal.ts).
 */
function finishedTests(results: string, count: number): () => boolean {
  return () => {
    const dir = join(results, '.journal')
    if (!existsSync(dir)) return false
    const lines = readdirSync(dir)
      .filter((name) => /\.w\d+\.ndjson$/.test(name))
      .flatMap((name) => readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean))
    return lines.length >= count
  }
}

function waitFor(check: () => boolean, output: () => string, ms = 60_000): Promise<void> {
  const until = Date.now() + ms
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) resolve()
      else if (Date.now() > until) reject(new Error(`condition not met in time; output so far:\n${output()}`))
      else setTimeout(tick, 50)
    }
    tick()
  })
}

/** Runs the slow fixture and sends `signal` once two cases have finished. */
async function stopAfterTwoCases(signal: NodeJS.Signals) {
  const dir = copyFixture('slow')
  const results = join(dir, '.evals')
  let child: import('node:child_process').ChildProcess | undefined
  let output = ''
  const running = runVitest(dir, ['--project', 'evals'], {
    onSpawn: (c) => (child = c),
    onStdout: (text) => (output += text),
  })
  await waitFor(finishedTests(results, 2), () => output)
  child!.kill(signal)
  return { dir, results, done: await running }
}

describe('an interrupted run leaves a readable partial marked as such', () => {
  test('SIGINT: the finished cases are saved, the file says interrupted, unfinished cases are not counted', async () => {
    const { results, done } = await stopAfterTwoCases('SIGINT')
    expect(done.exitCode === 130 || done.signal === 'SIGINT' || done.exitCode === 1).toBe(true)
    const [file] = resultFiles(results)
    const run = readJson<Run>(file!)
    expect(run._partial).toBe(true)
    expect(run.partial_reason).toBe('interrupted')
    expect(run.tests.map((t) => t.name).sort()).toEqual(['quick one', 'quick two'])
    // The cases still running when the signal came are listed as not run.
    expect(run.not_run?.map((t) => `${t.name}:${t.status}`).sort()).toEqual([
      'slow one:not_run',
      'slow two:not_run',
    ])
  })

  test('kill -9: the next run recovers the dead run from its journal', async () => {
    const { dir, results } = await stopAfterTwoCases('SIGKILL')
    expect(readdirSync(join(results, '.journal')).length).toBeGreaterThanOrEqual(1)

    const next = await runVitest(dir, ['--project', 'evals'], { env: { SLOW_MS: '10' } })
    expect(next.exitCode, next.stdout).toBe(0)
    const runs = resultFiles(results).map((file) => readJson<Run>(file))
    expect(runs).toHaveLength(2)
    const killed = runs.find((run) => run._partial)
    const latest = runs.find((run) => !run._partial)
    expect(killed).toMatchObject({ _partial: true, partial_reason: 'interrupted' })
    expect(killed!.tests.map((t) => t.name).sort()).toEqual(['quick one', 'quick two'])
    expect(latest!._partial).toBeUndefined()
    expect(latest!.tests).toHaveLength(4)
    // The interrupted run is never the baseline of a comparison.
    expect(next.stdout).toContain('First run of tier "e2e" here')
    expect(existsSync(join(results, '.journal'))).toBe(true)
    expect(readdirSync(join(results, '.journal'))).toEqual([])
  })

  test('--bail: the run stops early and is saved as an interrupted partial with the rest not run', async () => {
    const dir = copyFixture('slow')
    const results = join(dir, '.evals')
    const done = await runVitest(dir, ['--project', 'evals', '--bail', '1'], {
      env: { BREAK_QUICK: '1', SLOW_MS: '3000' },
    })
    expect(done.exitCode).toBe(1)
    const [file] = resultFiles(results)
    const run = readJson<Run>(file!)
    expect(run._partial).toBe(true)
    expect(run.partial_reason).toBe('interrupted')
    expect(done.stdout).toContain('the run was interrupted')
  })
})
