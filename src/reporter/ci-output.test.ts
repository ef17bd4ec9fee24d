import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { makeRun, makeTest } from '../compare/__fixtures__/runs.ts'
import { gate } from '../compare/gate.ts'
import {
  appendStepSummary,
  githubLines,
  junitPath,
  repoPath,
  writeCiOutputs,
  writeJunit,
} from './ci-output.ts'
import type { TierEnd } from './conclude.ts'
import { EvalReporter } from './eval-reporter.ts'

describe('repoPath', () => {
  it('makes a project-relative path relative to the workspace (a project in a monorepo)', () => {
    expect(repoPath('evals/a.eval.ts', '/ws/packages/app', '/ws')).toBe('packages/app/evals/a.eval.ts')
    expect(repoPath('evals/a.eval.ts', '/ws', '/ws/')).toBe('evals/a.eval.ts')
    expect(repoPath('evals/a.eval.ts', '/ws/app', undefined)).toBe('evals/a.eval.ts')
  })
})

const before = makeRun([makeTest('a', { file: 'evals/a.eval.ts', line: 3 }), makeTest('b')])
const after = makeRun([makeTest('a', { passed: false, file: 'evals/a.eval.ts', line: 3 }), makeTest('b')])
const tier = (fields: Partial<TierEnd> = {}): TierEnd => ({
  tier: 'e2e',
  path: '/r/run.json',
  run: after,
  ...fields,
})

describe('githubLines', () => {
  it('puts the failed gate first, then the case annotations with repo paths', () => {
    const result = gate(before, after)
    const { ok, title, message } = result
    const lines = githubLines(
      [tier({ gate: { ok, text: '', result, summary: { ok, title, message } } })],
      '/ws/app',
      '/ws',
    )
    expect(lines[0]).toMatch(
      /^::error title=Eval gate failed \(e2e\)%3A 1 case regressed::Regressed \(1\):%0A/,
    )
    expect(lines[1]).toMatch(/^::error file=app\/evals\/a\.eval\.ts,line=3,title=Regressed%3A suite › a::/)
    expect(lines).toHaveLength(2)
  })

  it('reports a gate that could not judge as a failed gate, and nothing for a passing one', () => {
    const note = 'could not gate the e2e run: No baseline at /ws/evals/baseline.json.'
    const [first] = githubLines([tier({ gate: { ok: false, text: '', summary: { note } } })], '/ws', '/ws')
    expect(first).toBe(`::error title=Eval gate failed (e2e)::${note}`)
    const passing = githubLines(
      [tier({ run: before, gate: { ok: true, text: '', summary: { note: 'no earlier run' } } })],
      '/ws',
      '/ws',
    )
    expect(passing).toEqual([])
  })
})

describe('files for CI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'evalbox-ci-'))

  it('appends the job summary, keeping what other steps wrote', () => {
    const path = join(dir, 'summary.md')
    writeFileSync(path, '## Vitest\n')
    expect(appendStepSummary(path, [tier({ notCompared: 'shard 1/2: merge first' })])).toBeUndefined()
    const text = readFileSync(path, 'utf8')
    expect(text.startsWith('## Vitest\n## Eval results\n')).toBe(true)
    expect(text).toContain('### e2e vs previous run\n\nshard 1/2: merge first')
    expect(appendStepSummary(join(dir, 'missing', 'x.md'), [tier()])).toMatch(
      /^could not append the job summary to .*missing\/x\.md \(GITHUB_STEP_SUMMARY\): /,
    )
  })

  it('puts run warnings atop the job summary and as one ::warning each, before the case annotations', () => {
    const path = join(dir, 'warned.md')
    writeFileSync(path, '')
    const printed: string[] = []
    writeCiOutputs([tier()], {
      root: '/r',
      env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: path },
      print: (text) => printed.push(text),
      warnings: [
        {
          title: 'Agents ran on the host',
          message: 'WARNING: 2 of 2 cases ran on the host, not in a container.',
        },
      ],
    })
    const lines = printed.join('\n').split('\n')
    expect(lines[0]).toBe(
      '::warning title=Agents ran on the host::WARNING: 2 of 2 cases ran on the host, not in a container.',
    )
    expect(lines.filter((line) => line.startsWith('::warning'))).toHaveLength(1)
    expect(lines.some((line) => line.startsWith('::error'))).toBe(true)
    expect(readFileSync(path, 'utf8')).toMatch(
      /^> \[!WARNING\]\n> \*\*Agents ran on the host\.\*\* WARNING: 2 of 2 cases ran on the host, not in a container\.\n\n## Eval results\n/,
    )
  })

  it('writes JUnit into new folders, and says so when it cannot', () => {
    const path = join(dir, 'reports', 'deep', 'evals.xml')
    expect(writeJunit(path, [{ run: after }])).toBeUndefined()
    expect(readFileSync(path, 'utf8')).toContain('<testsuite name="e2e" tests="2" failures="1"')
    writeFileSync(join(dir, 'file'), '')
    expect(writeJunit(join(dir, 'file', 'evals.xml'), [{ run: after }])).toMatch(
      /^could not write the JUnit file .*file\/evals\.xml: .+\. Point `junit` or EVALBOX_JUNIT at a writable path\.$/,
    )
  })

  it('takes the JUnit path from the option, else EVALBOX_JUNIT, from the project root', () => {
    expect(junitPath(undefined, {}, '/p')).toBeUndefined()
    expect(junitPath(undefined, { EVALBOX_JUNIT: 'out/j.xml' }, '/p')).toBe('/p/out/j.xml')
    expect(junitPath('a.xml', { EVALBOX_JUNIT: 'out/j.xml' }, '/p')).toBe('/p/a.xml')
    expect(junitPath(false, { EVALBOX_JUNIT: 'out/j.xml' }, '/p')).toBeUndefined()
    expect(junitPath('/abs/j.xml', {}, '/p')).toBe('/abs/j.xml')
    expect(() => new EvalReporter({ projects: [], junit: 'out/j.xml' })).not.toThrow()
    expect(() => new EvalReporter({ projects: [], junit: true } as never)).toThrow(
      /`junit` must be a file path such as 'reports\/evals.xml', or false, got `true` \(boolean\)/,
    )
  })
})
