import { describe, expect, test } from 'vitest'
import { EvalboxError } from '../core/errors.ts'
import { EvalReporter } from '../reporter/eval-reporter.ts'
import { evalboxPlugin } from './plugin.ts'
import { evalsProject } from './project.ts'

describe('evalsProject', () => {
  test('names the project, includes eval files, and adds the plugin and the run setup', () => {
    const project = evalsProject()
    expect(project.test).toMatchObject({
      name: 'evals',
      include: ['evals/**/*.eval.ts'],
    })
    expect(project.test?.globalSetup).toEqual([expect.stringMatching(/global-setup\.(ts|js)$/)])
    expect(project.plugins).toEqual([expect.objectContaining({ name: 'evalbox' })])
  })

  test("the user's globalSetup is added after evalbox's, never instead of it", () => {
    const project = evalsProject({ test: { globalSetup: 'evals/setup.ts', testTimeout: 5 } })
    expect(project.test?.globalSetup).toEqual([
      expect.stringMatching(/global-setup\.(ts|js)$/),
      'evals/setup.ts',
    ])
    expect(project.test?.testTimeout).toBe(5)
  })

  test("evalbox's console redaction is the first setup file; the user's follow", () => {
    expect(evalsProject().test?.setupFiles).toEqual([expect.stringMatching(/redact-console\.(ts|js)$/)])
    expect(evalsProject({ test: { setupFiles: ['evals/setup.ts'] } }).test?.setupFiles).toEqual([
      expect.stringMatching(/redact-console\.(ts|js)$/),
      'evals/setup.ts',
    ])
  })

  test('options are validated where they are written: the example of issue 11 is refused', () => {
    const run = () => evalsProject({ sandbox: { imgae: 'x' }, timeout: -5 } as never)
    expect(run).toThrow(EvalboxError)
    expect(run).toThrow(
      'evalsProject(): unknown option `sandbox.imgae`, given `"x"` (string): did you mean `image`?; ' +
        '`timeout` must be a positive number of milliseconds, got `-5` (number). Fix the options in the Vitest config.',
    )
  })

  test('a misspelled key of the project or of a nested option gets a did-you-mean; bad values are named', () => {
    expect(() => evalsProject({ maxConcurency: 2 } as never)).toThrow(
      /unknown option `maxConcurency`.*did you mean `maxConcurrency`\?/,
    )
    expect(() => evalsProject({ gate: { failon: ['regression'] } } as never)).toThrow(
      /unknown option `gate\.failon`.*did you mean `failOn`\?/,
    )
    expect(() => evalsProject({ gate: { failOn: ['regresion'] } } as never)).toThrow(
      /`gate\.failOn\[0\]` must be "regressed", "still-failing", "new-failure" or "flaky" \(did you mean "regressed"\?\)/,
    )
    expect(() => evalsProject({ sandbox: { limits: { memory: 'lots' } } })).toThrow(
      /`sandbox\.limits\.memory` must be a size of at least 6 MiB.*got `"lots"` \(string\)/,
    )
    expect(() => evalsProject({ secrets: ['MY_VAR', 'sk-ant-value'] })).toThrow(
      /`secrets\[1\]` must be an environment variable name .*never the values/,
    )
    expect(() => evalsProject({ secrets: 'MY_VAR' } as never)).toThrow(/`secrets` must be an array/)
    expect(() => evalsProject({ secrets: ['MY_VAR', '_X1'] })).not.toThrow()
    expect(() => evalsProject({ include: 'evals/*.ts' } as never)).toThrow(/`include` must be an array/)
  })

  test('new EvalReporter() checks its options too', () => {
    expect(() => new EvalReporter({ projects: ['evals'], progres: false } as never)).toThrow(
      /^new EvalReporter\(\): unknown option `progres`.*did you mean `progress`\?/,
    )
    expect(() => new EvalReporter({ projects: ['evals'], gate: { alpha: 1 } })).not.toThrow()
  })

  test('evalboxPlugin checks the same project options', () => {
    expect(() => evalboxPlugin({ resultDir: '.evals' } as never)).toThrow(
      /^evalboxPlugin\(\): unknown option `resultDir`.*did you mean `resultsDir`\?/,
    )
    expect(() =>
      evalsProject({ version: '1.0.0', gate: false, junit: false, sandbox: { image: 'node:22' } }),
    ).not.toThrow()
  })
})
