import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { scripted } from '../agents/scripted-agent.ts'
import { contains } from '../graders/text.ts'
import { describeEval, evalTest } from './eval-test.ts'
import { validateDescribeEvalOptions, validateEvalTestOptions, validateRows } from './options.ts'

describe('eval options are validated at definition time', () => {
  test('a bad value names the eval, the field and the value', () => {
    expect(() => validateEvalTestOptions('fixes paginate', { timeout: -5 })).toThrowError(
      /evalTest\("fixes paginate"\): `timeout` .*got `-5` \(number\)\. Fix the eval's options\./,
    )
  })

  test('maxOutputBytes must be a whole number of bytes, at least 1024', () => {
    expect(() => validateEvalTestOptions('floods', { maxOutputBytes: 0 })).toThrowError(
      /evalTest\("floods"\): `maxOutputBytes` must be a whole number of bytes, at least 1024, got `0` \(number\)/,
    )
    expect(() => validateEvalTestOptions('floods', { maxOutputBytes: 1.5e6 + 0.5 })).toThrowError(
      /`maxOutputBytes`/,
    )
    expect(validateEvalTestOptions('floods', { maxOutputBytes: 1024 })).toEqual({ maxOutputBytes: 1024 })
  })

  test('nested fields are named by their path', () => {
    expect(() => validateEvalTestOptions('x', { sandbox: { limits: { memory: 'lots' } } })).toThrowError(
      /`sandbox.limits.memory`.*got `"lots"` \(string\)/,
    )
    expect(() => validateEvalTestOptions('x', { graders: [contains('a'), 'b'] })).toThrowError(
      /`graders\[1\]`.*got `"b"`/,
    )
  })

  test('unknown options are named', () => {
    expect(() => validateEvalTestOptions('x', { timout: 5, task: () => 1 })).toThrowError(
      /unknown option `timout`/,
    )
  })

  test('a misspelled option gets a did-you-mean, at any depth, sandbox included', () => {
    expect(() => validateEvalTestOptions('x', { task: () => 1, gradTimeout: 5 })).toThrowError(
      'evalTest("x"): unknown option `gradTimeout`, given `5` (number): did you mean `gradeTimeout`? Fix the eval\'s options.',
    )
    expect(() => validateEvalTestOptions('x', { sandbox: { imgae: 'node:22' } })).toThrowError(
      /unknown option `sandbox\.imgae`, given `"node:22"` \(string\): did you mean `image`\?/,
    )
    expect(() => validateEvalTestOptions('x', { sandbox: 'dockr' })).toThrowError(
      /`sandbox` must be "docker", "local" or "auto" \(the registered providers\) \(did you mean "docker"\?\), got `"dockr"`/,
    )
    expect(() => validateDescribeEvalOptions('set', { data: [], repeat: 2 })).toThrowError(
      /describeEval\("set"\): unknown option `repeat`.*did you mean `repeats`\?/,
    )
  })

  test('an agent and a task together are refused where the eval is defined, not when it runs', () => {
    const both = { agent: scripted([]), task: () => 'x' }
    const refusal = /`task` cannot be given with `agent` \(an eval runs an agent or a task; keep one\)/
    expect(() => validateEvalTestOptions('both', both)).toThrowError(refusal)
    expect(() => validateDescribeEvalOptions('both', { ...both, data: [{ input: 1 }] })).toThrowError(refusal)
    // evalTest and describeEval check before they register any test.
    expect(() => evalTest('both', both)).toThrowError(
      /evalTest\("both"\): `task` cannot be given with `agent`/,
    )
    expect(() => describeEval('both', { ...both, data: [] })).toThrowError(/describeEval\("both"\)/)
  })

  test('a non-object is refused with its type', () => {
    expect(() => validateEvalTestOptions('x', 'fast')).toThrowError(
      /expected an options object, got `"fast"` \(string\)/,
    )
  })

  test('rows must have an input; the row index is part of the path', () => {
    expect(() => validateDescribeEvalOptions('set', { data: [{ input: 1 }, { name: 'two' }] })).toThrowError(
      /describeEval\("set"\): `data\[1\].input` is required, got `undefined`/,
    )
    expect(() =>
      validateDescribeEvalOptions('set', { data: [{ input: 1 }, { input: null, name: 'two' }] }),
    ).not.toThrow()
    expect(() => validateRows('set', [{ input: 1 }, { input: 2, name: '' }])).toThrowError(/`data\[1\].name`/)
    expect(() => validateDescribeEvalOptions('set', { data: 'rows.json' })).toThrowError(
      /describeEval\("set"\): `data`/,
    )
  })

  test('valid options pass through unchanged', () => {
    const task = () => 'ok'
    const options = { task, repeats: 3, threshold: 0.5, tier: 'llm-judge', sandbox: 'local' as const }
    expect(validateEvalTestOptions('x', options)).toBe(options)
  })

  test('a tier must be file-name safe', () => {
    expect(() => validateEvalTestOptions('x', { tier: 'e2e/slow' })).toThrowError(/`tier`.*"e2e\/slow"/)
  })

  test('sandbox limits that cannot work and bad image references fail with the option and value named', () => {
    const cases: Array<[object, RegExp]> = [
      [
        { limits: { memory: '1k' } },
        /`sandbox\.limits\.memory` must be a size of at least 6 MiB.*got `"1k"`/,
      ],
      [{ limits: { pids: 1 } }, /`sandbox\.limits\.pids` must be at least 16.*got `1`/],
      [
        { limits: { cpus: 999 } },
        /`sandbox\.limits\.cpus` must be at most the \d+ CPUs of this machine.*got `999`/,
      ],
      [{ limits: { disk: '10k' } }, /`sandbox\.limits\.disk` must be a size of at least 1 MiB.*got `"10k"`/],
      [{ image: 'x; touch y' }, /`sandbox\.image` must be a Docker image reference.*got `"x; touch y"`/],
      [{ capAdd: ['ALL'] }, /`sandbox\.capAdd\[0\]` must be a Linux capability name.*got `"ALL"`/],
      [{ runtime: 'runsc --debug' }, /`sandbox\.runtime` must be a runtime name.*got `"runsc --debug"`/],
    ]
    for (const [sandbox, message] of cases) {
      expect(() => validateEvalTestOptions('x', { sandbox })).toThrowError(message)
    }
    expect(() =>
      validateEvalTestOptions('x', {
        sandbox: { image: 'node:22', limits: { memory: '64m', pids: 16, cpus: 1 } },
      }),
    ).not.toThrow()
  })

  test('workspace and build paths outside the project root are refused, symbolic links resolved, unless allowed', () => {
    const root = mkdtempSync(join(tmpdir(), 'evalbox-paths-'))
    mkdirSync(join(root, 'fixture'))
    symlinkSync('/etc', join(root, 'linked'))
    const cwd = process.cwd()
    process.chdir(root)
    try {
      expect(() => validateEvalTestOptions('x', { sandbox: { workspace: '../../etc' } })).toThrowError(
        /evalTest\("x"\): `sandbox\.workspace` "\.\.\/\.\.\/etc" resolves to "\/etc", outside the project root/,
      )
      expect(() => validateEvalTestOptions('x', { sandbox: { workspace: 'linked' } })).toThrowError(
        /`sandbox\.workspace` "linked" resolves to "\/etc"/,
      )
      expect(() => validateEvalTestOptions('x', { sandbox: { build: { context: '/etc' } } })).toThrowError(
        /`sandbox\.build\.context` "\/etc"/,
      )
      expect(() =>
        validateDescribeEvalOptions('x', {
          data: [{ input: 1 }, { input: 2, sandbox: { workspace: 'linked/ssl' } }],
        }),
      ).toThrowError(/`data\[1\]\.sandbox\.workspace`/)
      expect(() => validateEvalTestOptions('x', { sandbox: { workspace: 'fixture' } })).not.toThrow()
      expect(() =>
        validateEvalTestOptions('x', { sandbox: { workspace: join(root, 'fixture') } }),
      ).not.toThrow()
      expect(() =>
        validateEvalTestOptions('x', { sandbox: { workspace: 'linked', allowOutsideRoot: true } }),
      ).not.toThrow()
    } finally {
      process.chdir(cwd)
      rmSync(root, { recursive: true, force: true })
    }
  })
})
