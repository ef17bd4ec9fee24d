import { defineGrader } from '../define.ts'
import type { Grader } from '../types.ts'
import { resolveUnitTestsOptions, type UnitTestsOptions } from './options.ts'

/**
 * Runs the workspace's tests on the agent's work in a fresh verifier sandbox, taking from
 * the agent only what cannot change what the runner runs:
 *
 * 1. the verifier starts as a clean copy of the fixture; the agent's patch is applied;
 * 2. patched files that are trusted tests (`tests`, plus what the fixture's runner config
 *    names) or that the runner reads (`RUNNER_FILES`: configs, `package.json`, caches,
 *    `node_modules`, ...) are put back as the fixture has them (added ones removed) and
 *    reported as tampering; with `solutionFiles`, other files outside it are put back too
 *    (`metadata.ignored`). The agent's edits to them never count;
 * 3. the command runs, with Python's bytecode cache outside the workdir, pytest's plugin
 *    autoload off, and pytest started by a launcher the workdir cannot shadow, on the
 *    fixture's config; its exit code decides (printed text cannot fake a pass), or, with
 *    `failToPass`/`passToPass`, the SWE-bench resolution must be `full`;
 * 4. counts and test statuses are parsed per framework into the score and metadata, and
 *    the output is kept as `grader-unit-tests.log`. A test file that reported no tests
 *    (node:test lists a file whose process exited before its tests as one passing "test")
 *    counts as an error, so `process.exit(0)` in the code under test does not pass.
 *
 * Without a patch (no agent ran, or nothing was harvested) the tests run on the clean
 * fixture, which is how fixtures are checked. A runner that is not installed in the
 * sandbox gives an unscored grade, not a failure: that is decided by probes run before
 * the patch is applied (`runPreflight`), never by what the run printed. A default
 * command's report is cross-checked (`checkReport`) before it may pass.
 *
 * @example graders.unitTests({ framework: 'pytest', failToPass: ['tests/test_page.py::test_last_page'] })
 */
export function unitTests(options: UnitTestsOptions = {}): Grader {
  const o = resolveUnitTestsOptions(options)
  return defineGrader(
    o.name,
    async (ctx) => {
      const { gradeUnitTests } = await import('./run-grade.ts')
      return gradeUnitTests(o, ctx)
    },
    { needsSandbox: true },
  )
}
