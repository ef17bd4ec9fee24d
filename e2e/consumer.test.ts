import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import type { RunFile } from '../src/store/schema.ts'
import { repoRoot } from './support/paths.ts'
import { readJson, resultFiles, runVitest } from './support/run-vitest.ts'

test('examples/consumer runs the packed package with `npx vitest run --project evals`', async () => {
  const work = mkdtempSync(join(tmpdir(), 'evalbox-consumer-'))
  execFileSync('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: repoRoot, stdio: 'ignore' })
  const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'))!
  const project = join(work, 'consumer')
  cpSync(join(repoRoot, 'examples', 'consumer'), project, { recursive: true })
  const vitestVersion = readJson<{ version: string }>(
    join(repoRoot, 'node_modules', 'vitest', 'package.json'),
  ).version
  execFileSync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
      join(work, tarball),
      `vitest@${vitestVersion}`,
    ],
    { cwd: project, stdio: 'ignore' },
  )

  const first = await runVitest(project, ['--project', 'evals'], {
    vitest: join(project, 'node_modules', 'vitest', 'vitest.mjs'),
  })
  expect(first.exitCode, first.stdout + first.stderr).toBe(0)
  expect(first.stdout).toMatch(/Total: 4\/4 passed/)
  const second = await runVitest(project, ['--project', 'evals'], {
    vitest: join(project, 'node_modules', 'vitest', 'vitest.mjs'),
  })
  expect(second.stdout).toContain('Status: 4 unchanged')
  const files = resultFiles(join(project, '.evals'))
  expect(files).toHaveLength(2)
  const run = readJson<RunFile>(files[1]!)
  expect(run.version).toBe('1.0.0')
  expect(run.evalbox_version).toMatch(/^\d+\.\d+\.\d+/)

  // The unit project runs without the eval reporter.
  const unit = await runVitest(project, ['--project', 'unit'], {
    vitest: join(project, 'node_modules', 'vitest', 'vitest.mjs'),
  })
  expect(unit.exitCode).toBe(0)
  expect(unit.stdout).not.toContain('Eval results')
}, 300_000)
