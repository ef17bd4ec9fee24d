import { randomUUID } from 'node:crypto'
import { EvalboxError, SandboxUnavailableError } from '../../core/errors.ts'
import { globMatcher } from '../../core/glob.ts'
import type { Sandbox } from '../../sandbox/types.ts'
import type { GraderVerdict } from '../define.ts'
import type { GraderContext } from '../types.ts'
import { detectFramework } from './detect.ts'
import { expectedTestFiles } from './empty-test-files.ts'
import { ALL_TEST_GLOBS, FRAMEWORK_DEFAULTS } from './frameworks.ts'
import type { ResolvedUnitTestsOptions } from './options.ts'
import { parseTestOutput } from './parsers/index.ts'
import type { PatchFile } from './patch-files.ts'
import { runnerProbes, runPreflight } from './preflight.ts'
import { pytestLauncher } from './pytest-launcher.ts'
import { checkReport } from './report-check.ts'
import { resolveTests } from './resolution.ts'
import { formatRunLog, logFileName, missingRunner } from './run-log.ts'
import { runnerFileMatcher } from './runner-files.ts'
import type { SortedChanges } from './sort-changes.ts'
import { configTestGlobs, pytestConfigFile } from './trusted-config.ts'
import type { ParsedTests, UnitTestFramework } from './types.ts'
import { unitTestVerdict } from './verdict.ts'
import { applyTakenChanges, clearWorkspaceReports, readWorkspaceReports } from './verifier.ts'

/**
 * One `unitTests` grading (see `unitTests()` in `unit-tests.ts`, which holds the steps): loaded
 * on the first grading, so a worker whose evals never grade with unit tests does not load the
 * verifier, the preflight probes and the verdict.
 */
export async function gradeUnitTests(
  o: ResolvedUnitTestsOptions,
  ctx: GraderContext,
): Promise<GraderVerdict> {
  const lists = o.failToPass.length > 0 || o.passToPass.length > 0
  const logName = logFileName(o.name)
  const workspace = ctx.workspace
  if (!workspace) {
    throw new EvalboxError(
      'GRADER_CONFIG',
      "unitTests needs the case's workspace fixture to restore test files from. Add `sandbox: { workspace: 'path/to/fixture' }` to the eval.",
    )
  }
  const framework = o.framework === 'auto' ? await detectFramework(workspace) : o.framework
  const defaults = framework ? FRAMEWORK_DEFAULTS[framework] : undefined
  if (!defaults && o.argv.length === 0) {
    throw new EvalboxError(
      'GRADER_CONFIG',
      `unitTests could not tell the test framework of ${workspace} (no package.json runner, pytest files, go.mod, Cargo.toml or pom.xml). Pass \`framework\` or \`command\`.`,
    )
  }
  const argv = o.argv.length > 0 ? o.argv : ['sh', '-c', defaults!.command]
  const label = o.label ?? defaults!.command
  const isTest = globMatcher([
    ...(o.tests ?? defaults?.tests ?? ALL_TEST_GLOBS),
    ...(await configTestGlobs(workspace, framework)),
  ])
  const rules = {
    isTest,
    runnerFile: runnerFileMatcher(framework),
    ...(o.solutionFiles && { isSolution: globMatcher(o.solutionFiles) }),
  }

  const sandbox = await ctx.openSandbox()
  try {
    const isDefault = o.argv.length === 0
    const shell = argv.length === 3 && argv[0] === 'sh' && argv[1] === '-c'
    // Before the patch: only the fixture and the image decide whether the runner starts.
    const preflight = await runPreflight(sandbox, runnerProbes(framework, { argv, shell }), {
      collect: isDefault && framework === 'pytest',
      env: o.env,
      signal: ctx.signal,
    })
    const scratch = `${sandbox.outputDir}/evalbox-unit-tests`
    // An unguessable path, handed to a shell command as an unexported variable.
    const reportDir = `${sandbox.outputDir}/.evalbox-${randomUUID()}`
    const reportPath = `${reportDir}/report${defaults?.report ?? '.txt'}`
    const { patch, changed, sorted } = await applyTakenChanges(sandbox, ctx.patch, rules)
    const tampered = sorted.tampered.map(({ path, change }) => ({ path, change }))
    if (defaults?.workspaceReports) await clearWorkspaceReports(sandbox, defaults.workspaceReports)
    const runEnv = await hardenedEnv(sandbox, workspace, framework, scratch)

    const run = shell
      ? ['sh', '-c', 'mkdir -p "$0" && EVALBOX_TEST_REPORT=$1 && eval "$2"', reportDir, reportPath, argv[2]!]
      : ['sh', '-c', 'mkdir -p "$0" && exec "$@"', reportDir, ...argv]
    const result = await sandbox.exec(run, {
      env: shell ? { ...runEnv, ...o.env } : { ...runEnv, ...o.env, EVALBOX_TEST_REPORT: reportPath },
      timeoutMs: o.timeoutMs,
      signal: ctx.signal,
    })
    if (result.canceled) throw new SandboxUnavailableError('unitTests: the test run was canceled')

    const reports: Record<string, string> = {}
    if (defaults?.report) {
      const text = await sandbox.readFile(reportPath).then(String, () => undefined)
      if (text !== undefined) reports[reportPath] = text
    }
    if (defaults?.workspaceReports) {
      Object.assign(reports, await readWorkspaceReports(sandbox, defaults.workspaceReports))
    }
    const output = result.stderr ? `${result.stdout}\n${result.stderr}` : result.stdout
    // A default command's results come from its report alone: the printed output is
    // what the code under test can print too, and only serves the cross-check.
    const fromReport = isDefault && defaults?.report !== undefined
    const parsed: ParsedTests | undefined = framework
      ? parseTestOutput(framework, fromReport ? '' : output, reports)
      : undefined
    const refused =
      fromReport && framework
        ? checkReport({
            framework,
            report: parsed,
            printed: parseTestOutput(framework, output, {}),
            collected: preflight.collected,
            agentFiles: changed
              .filter((file) => !tampered.some((restored) => restored.path === file.path))
              .map((file) => file.path),
          })
        : undefined
    const emptyTestFiles = await expectedTestFiles(parsed?.emptyFiles ?? [], sandbox, workspace)

    const log = formatRunLog({
      name: o.name,
      framework,
      sandbox,
      patch,
      changed,
      tampered,
      label,
      preflight,
      result,
    })
    const logFile = await ctx.keep(logName, log)
    const common = {
      framework: framework ?? null,
      command: label,
      durationMs: result.durationMs,
      ...(logFile && { log: logFile }),
      ...tamperMetadata(sorted),
    }

    const missing = result.exitCode === 0 && !result.timedOut ? undefined : missingRunner(preflight)
    if (missing) {
      return {
        pass: false,
        score: null,
        explanation: `\`${label}\` could not run the tests: ${missing}. Install the test runner in the sandbox image; this is not graded as the agent's failure`,
        metadata: { ...common, exitCode: result.exitCode },
      }
    }
    const verdict = unitTestVerdict({
      label,
      exitCode: result.exitCode,
      signal: result.signal,
      timedOut: result.timedOut,
      timeoutMs: o.timeoutMs,
      parsed,
      expectResults: o.argv.length === 0,
      resolution: lists ? resolveTests(parsed?.tests ?? [], o.failToPass, o.passToPass) : undefined,
      tampered: sorted.tampered.filter((file) => isTest(file.path)),
      emptyTestFiles,
      patch,
      ...(fromReport && !parsed?.counts && { reportMissing: framework }),
      ...(refused && { refused }),
    })
    const explanation = [verdict.explanation, ...tamperText(sorted, isTest)].join('; ')
    return { ...verdict, explanation, metadata: { ...verdict.metadata, ...common } }
  } finally {
    await sandbox.dispose()
  }
}

/**
 * The environment every test run gets (the grader's `env` option can override each):
 * Python reads and writes bytecode only in a fresh cache outside the workdir (a planted
 * `__pycache__/*.pyc` is never loaded), pytest loads no plugin it was not told to
 * (`PYTEST_DISABLE_PLUGIN_AUTOLOAD`; set it to `''` to load installed plugins), and for
 * pytest `$EVALBOX_PYTEST` is the launcher (`pytestLauncher`), written to scratch with the
 * fixture's config, or an empty one when it has none.
 */
async function hardenedEnv(
  sandbox: Sandbox,
  workspace: string,
  framework: UnitTestFramework | undefined,
  scratch: string,
): Promise<Record<string, string>> {
  const env: Record<string, string> = {
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONPYCACHEPREFIX: `${scratch}/pycache`,
    PYTEST_DISABLE_PLUGIN_AUTOLOAD: '1',
  }
  if (framework !== 'pytest') return env
  let config = await pytestConfigFile(workspace)
  if (!config) {
    config = `${scratch}/pytest.ini`
    await sandbox.writeFile(config, '[pytest]\n')
  }
  const launcher = `${scratch}/evalbox_pytest.py`
  await sandbox.writeFile(launcher, pytestLauncher({ config, cacheDir: `${scratch}/pytest-cache` }))
  return { ...env, EVALBOX_PYTEST: launcher }
}

/** `tampered`, `tamperedChanges`, `tamperedWhy` and `ignored` for the grade's metadata. */
function tamperMetadata(sorted: SortedChanges): Record<string, unknown> {
  const { tampered, ignored } = sorted
  return {
    tampered: tampered.map((file) => file.path),
    ...(tampered.length > 0 && {
      tamperedChanges: Object.fromEntries(tampered.map((file) => [file.path, file.change])),
      tamperedWhy: Object.fromEntries(tampered.map((file) => [file.path, file.why])),
    }),
    ...(ignored.length > 0 && { ignored: ignored.map((file) => file.path) }),
  }
}

/** What the explanation says about runner files and ignored files (the verdict names the tests). */
function tamperText(sorted: SortedChanges, isTest: (path: string) => boolean): string[] {
  const list = (files: readonly (PatchFile & { why?: string })[]) => {
    const shown = files.slice(0, 8).map((f) => `${f.path} (${f.change}${f.why ? `: ${f.why}` : ''})`)
    return files.length > 8 ? `${shown.join(', ')} (+${files.length - 8} more)` : shown.join(', ')
  }
  const runner = sorted.tampered.filter((file) => !isTest(file.path))
  const parts: string[] = []
  if (runner.length > 0) {
    parts.push(
      `the agent changed files that decide what the runner runs, which were refused (the fixture's versions ran): ${list(runner)}`,
    )
  }
  if (sorted.ignored.length > 0) {
    parts.push(`changes outside solutionFiles were not applied: ${list(sorted.ignored)}`)
  }
  return parts
}
