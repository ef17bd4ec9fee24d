import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { dockerAvailable } from '../src/sandbox/docker/test-support.ts'
import type { RunFile } from '../src/store/schema.ts'
import { runCli } from './support/cli.ts'
import { copyFixture, readJson, resultFiles, runVitest } from './support/run-vitest.ts'

const docker = await dockerAvailable()
const deadEngine = 'tcp://127.0.0.1:1'
const fixture = 'host-and-merge'

/** The lines of a run's output that carry the host warning. */
const hostWarnings = (text: string) => text.split('\n').filter((line) => line.includes('ran on the host'))

/** The data a report page embeds. */
function reportData(path: string): {
  comparison: { caseKey: string | null } | null
  runs: Array<{ cases: Array<{ key: string }> }>
} {
  const html = readFileSync(path, 'utf8')
  const json = /<script type="application\/json" id="evalbox-report-data">([\s\S]*?)<\/script>/.exec(html)
  return JSON.parse(json![1]!).data
}

/** A run's entries by name. */
const byName = (run: RunFile) => [...run.tests].sort((a, b) => a.name.localeCompare(b.name))

describe('finding 6: agents on the host', () => {
  test.skipIf(!docker.ok)(
    'Docker up, no image named: one loud warning per run, in the log, the annotations and the job summary',
    async () => {
      const dir = copyFixture(fixture)
      const summary = join(dir, 'summary.md')
      const run = await runVitest(dir, ['--project', 'evals'], {
        env: { EVALBOX_SANDBOX: undefined, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary },
      })
      expect(run.exitCode, run.stdout + run.stderr).toBe(0)
      const logged = hostWarnings(run.stdout).filter((line) => !line.startsWith('::'))
      expect(logged).toHaveLength(1)
      expect(logged[0]).toContain('evalbox: WARNING: 3 of 3 cases ran on the host, not in a container')
      expect(logged[0]).toContain(
        "Why: their evals name no image, so sandbox 'auto' gives them the local sandbox",
      )
      expect(logged[0]).toContain(
        "Fix: name an image, e.g. evalsProject({ sandbox: { image: 'evalbox-base:bookworm-1' } })",
      )
      expect(logged[0]).toContain('sandbox: { allowHost: false }')
      const annotations = run.stdout
        .split('\n')
        .filter((line) => line.startsWith('::warning title=Agents ran on the host'))
      expect(annotations).toHaveLength(1)
      expect(readFileSync(summary, 'utf8')).toMatch(
        /^> \[!WARNING\]\n> \*\*Agents ran on the host\.\*\* WARNING: 3 of 3 cases/m,
      )
      const [file] = resultFiles(join(dir, '.evals'))
      expect(readJson<RunFile>(file!).tests.map((t) => t.sandbox?.provider)).toEqual([
        'local',
        'local',
        'local',
      ])
    },
    120_000,
  )

  test('dead DOCKER_HOST and an image named: the cases fail with an infra error, not pass on the host', async () => {
    const dir = copyFixture(fixture)
    const run = await runVitest(dir, ['--config', 'vitest.image.config.ts', '--project', 'evals'], {
      env: { EVALBOX_SANDBOX: undefined, DOCKER_HOST: deadEngine },
    })
    expect(run.exitCode).not.toBe(0)
    const result = readJson<RunFile>(resultFiles(join(dir, '.evals'))[0]!)
    expect(byName(result).map((t) => [t.name, t.passed, t.exit_reason])).toEqual([
      ['alpha case', false, 'sandbox_error'],
      ['mike case', false, 'sandbox_error'],
      ['zulu case', false, 'sandbox_error'],
    ])
    for (const entry of result.tests) {
      expect(entry.sandbox).toBeUndefined()
      expect(entry.error).toContain(
        `This case names image "evalbox-base:bookworm-1", but no Docker engine answered at DOCKER_HOST=${deadEngine}`,
      )
      expect(entry.error).toContain('Fix: start Docker, or point DOCKER_HOST at a running engine')
      expect(entry.error).toContain('sandbox: { hostFallback: true }')
    }
    expect(hostWarnings(run.stdout)).toEqual([])
  })

  test('hostFallback: true lets them run on the host, and the warning names the dead DOCKER_HOST', async () => {
    const dir = copyFixture(fixture)
    const run = await runVitest(dir, ['--config', 'vitest.fallback.config.ts', '--project', 'evals'], {
      env: { EVALBOX_SANDBOX: undefined, DOCKER_HOST: deadEngine },
    })
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    const warnings = hostWarnings(run.stdout)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(
      `Why: no Docker engine answered at DOCKER_HOST=${deadEngine} (Docker engine not reachable`,
    )
    expect(warnings[0]).toContain('Fix: start Docker, or point DOCKER_HOST at a running engine')
  })

  test('allowHost: false and no image: every case fails clearly instead of running on the host', async () => {
    const dir = copyFixture(fixture)
    const run = await runVitest(dir, ['--config', 'vitest.forbid.config.ts', '--project', 'evals'], {
      env: { EVALBOX_SANDBOX: undefined },
    })
    expect(run.exitCode).not.toBe(0)
    const result = readJson<RunFile>(resultFiles(join(dir, '.evals'))[0]!)
    expect(byName(result).map((t) => [t.passed, t.exit_reason, t.sandbox])).toEqual([
      [false, 'sandbox_error', undefined],
      [false, 'sandbox_error', undefined],
      [false, 'sandbox_error', undefined],
    ])
    for (const entry of result.tests) {
      expect(entry.error).toContain('This case would run on the host')
      expect(entry.error).toContain('but the sandbox spec sets `allowHost: false`')
      expect(entry.error).toContain('Why it would: the eval names no image')
      expect(entry.error).toContain('Fix: name an image')
    }
    expect(run.stdout).toContain(
      "infrastructure error (not the agent's fault): This case would run on the host",
    )
  })
})

describe('finding 7: merged runs and the side-by-side', () => {
  test("shards on separate results dirs → merge → the merged run's report and show find each case's files", async () => {
    const dir = copyFixture(fixture)
    for (const [i, shard] of ['1/2', '2/2'].entries()) {
      const run = await runVitest(dir, ['--project', 'evals', `--shard=${shard}`], {
        env: { EVALBOX_DIR: `machine-${i + 1}` },
      })
      expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    }
    const shardFiles = [...resultFiles(join(dir, 'machine-1')), ...resultFiles(join(dir, 'machine-2'))]
    expect(shardFiles).toHaveLength(2)
    const merge = await runCli(dir, ['merge', ...shardFiles, '--dir', 'merged'])
    expect(merge.exitCode, merge.stderr).toBe(0)
    expect(merge.stderr).toBe('')
    const [mergedFile] = resultFiles(join(dir, 'merged'))
    const merged = readJson<RunFile>(mergedFile!)
    expect(merged.tests.map((t) => t.name)).toEqual(['alpha case', 'mike case', 'zulu case'])
    for (const entry of merged.tests) {
      expect(existsSync(join(dir, 'merged', entry.harvest!.patchPath))).toBe(true)
    }

    const report = await runCli(dir, ['report', '--dir', 'merged', '--out', 'report.html'])
    expect(report.exitCode, report.stderr).toBe(0)
    const html = readFileSync(join(dir, 'report.html'), 'utf8')
    expect(html).not.toMatch(/patch file .* is missing/)
    expect(html).toContain('+written by the alpha agent')
    expect(html).toContain('+written by the mike agent')
    expect(html).toContain('+written by the zulu agent')

    const show = await runCli(dir, ['show', mergedFile!])
    expect(show.exitCode, show.stderr).toBe(0)
    const patches = [...show.stdout.matchAll(/^ {4}patch: (.+)$/gm)].map((m) => m[1]!)
    expect(patches).toHaveLength(3)
    for (const path of patches) expect(readFileSync(join(dir, path), 'utf8')).toContain('+written by the')
  }, 120_000)

  test('the side-by-side opens on the case that changed, not the alphabetically first one', async () => {
    const dir = copyFixture(fixture)
    const broken = await runVitest(dir, ['--project', 'evals'], { env: { HM_MIKE_FAIL: '1' } })
    expect(broken.exitCode).toBe(1)
    const fixed = await runVitest(dir, ['--project', 'evals'])
    expect(fixed.exitCode, fixed.stdout + fixed.stderr).toBe(0)
    const report = await runCli(dir, ['report', '--out', 'report.html'])
    expect(report.exitCode, report.stderr).toBe(0)
    const data = reportData(join(dir, 'report.html'))
    // An unchanged case comes first in the run; the fixed mike case is the one to open on.
    expect(data.runs[0]!.cases[0]!.key).not.toBe('evals/alpha.eval.ts › mike case')
    expect(data.comparison?.caseKey).toBe('evals/alpha.eval.ts › mike case')
  }, 120_000)
})
