import type { ChildProcess } from 'node:child_process'
import { execFileSync } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { dockerAvailable } from '../src/sandbox/docker/test-support.ts'
import type { RunFile } from '../src/store/schema.ts'
import { copyFixture, readJson, resultFiles, runVitest } from './support/run-vitest.ts'

const docker = await dockerAvailable()

/** Containers of any evalbox run, or of one run. */
function containers(runId?: string): string[] {
  const filter = runId ? `label=evalbox.run=${runId}` : 'label=evalbox.run'
  return execFileSync('docker', ['ps', '-aq', '--filter', filter], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
}

/**
 * Starts the fixture's long running case and waits until its container runs: the run's
 * folder, its Vitest process, the promise of its end, and its run id.
 */
async function startLongRun() {
  const dir = copyFixture('docker')
  let child: ChildProcess | undefined
  const running = runVitest(dir, ['--project', 'evals', '-t', 'long running case'], {
    env: { EVALBOX_SANDBOX: undefined },
    onSpawn: (c) => (child = c),
  })
  const runId = await runningContainerRun()
  return { dir, child: child!, running, runId }
}

/** Waits until a container of the fixture's run is running; returns the run id. */
async function runningContainerRun(): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const out = execFileSync(
      'docker',
      [
        'ps',
        '--filter',
        'label=evalbox.case',
        '--format',
        '{{.Label "evalbox.run"}} {{.Label "evalbox.case"}}',
      ],
      {
        encoding: 'utf8',
      },
    )
    const line = out.split('\n').find((l) => l.includes('long running case'))
    if (line) return line.split(' ')[0]!
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('no container of the long running case appeared')
}

const byName = (run: RunFile, name: string) => run.tests.find((test) => test.name === name)

describe.skipIf(!docker.ok)('docker runs clean up after themselves', () => {
  test('SIGINT: the partial result stays and every container of the run is removed', async () => {
    const { dir, child, running, runId } = await startLongRun()
    expect(containers(runId).length).toBeGreaterThan(0)
    child.kill('SIGINT')
    await running
    // The reaper is detached: give it its few rounds.
    for (let i = 0; i < 100 && containers(runId).length > 0; i++) await new Promise((r) => setTimeout(r, 100))
    expect(containers(runId)).toEqual([])
    const [file] = resultFiles(join(dir, '.evals'))
    expect(readJson<RunFile>(file!)).toMatchObject({ _partial: true, partial_reason: 'interrupted' })
  })

  test('kill -9: the next run removes the containers the dead run left', async () => {
    const { dir, child, running, runId } = await startLongRun()
    child.kill('SIGKILL')
    await running
    expect(containers(runId).length).toBeGreaterThan(0)
    const next = await runVitest(dir, ['--project', 'evals', '-t', 'cannot reach'], {
      env: { EVALBOX_SANDBOX: undefined },
    })
    expect(next.stdout).toMatch(/removed \d+ container\(s\) left by runs that no longer exist/)
    expect(containers(runId)).toEqual([])
  })

  describe('guarantees of a case', () => {
    let server: ReturnType<typeof createServer>
    let port = 0
    beforeAll(async () => {
      server = createServer((_, res) => res.end('host service'))
      await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve))
      port = (server.address() as AddressInfo).port
    })
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

    test('timeout, OOM and network: reported as such, nothing left behind', async () => {
      const dir = copyFixture('docker')
      const run = await runVitest(
        dir,
        ['--project', 'evals', '-t', 'past its timeout|more memory|reach the host'],
        {
          env: { EVALBOX_SANDBOX: undefined, HOST_PORT: String(port) },
        },
      )
      const [file] = resultFiles(join(dir, '.evals'))
      const result = readJson<RunFile>(file!)
      expect(byName(result, 'runs past its timeout')).toMatchObject({ passed: false, exit_reason: 'timeout' })
      expect(byName(result, 'uses more memory than allowed')).toMatchObject({
        passed: false,
        exit_reason: 'oom',
      })
      expect(byName(result, 'cannot reach the host')).toMatchObject({ passed: true, output: 'unreachable' })
      expect(run.exitCode).toBe(1)
      expect(containers(result.run_id)).toEqual([])
      // Nothing of the timed-out case keeps running on the host either. A process killed a
      // moment ago may still be exiting on a loaded machine; a leaked one would run for 60 s.
      const sleepers = () =>
        execFileSync('ps', ['-eo', 'pid,ppid,stat,args'], { encoding: 'utf8' })
          .split('\n')
          .filter((line) => /\ssleep 60$/.test(line))
      for (let i = 0; i < 50 && sleepers().length > 0; i++) await new Promise((r) => setTimeout(r, 100))
      expect(sleepers()).toEqual([])
    })
  })
})
