import * as z from 'zod'
import { EvalboxError } from '../core/errors.ts'
import { globMatcher } from '../core/glob.ts'
import { lazy } from '../core/lazy.ts'
import { TRUNCATED_NOTE } from '../sandbox/output-capture.ts'
import type { ExecResult, Sandbox } from '../sandbox/types.ts'
import { defineGrader, graderOptions } from './define.ts'
import type { Grader, GraderContext } from './types.ts'
import { detectFramework } from './unit-tests/detect.ts'
import { ALL_TEST_GLOBS, FRAMEWORK_DEFAULTS } from './unit-tests/frameworks.ts'
import { runnerFileMatcher } from './unit-tests/runner-files.ts'
import type { TamperedFile } from './unit-tests/verdict.ts'
import { applyTakenChanges } from './unit-tests/verifier.ts'

/** Where `graders.command` runs its command. */
export type CommandPlace = 'verifier' | 'agent-sandbox'

export interface CommandGraderOptions {
  /** Working directory in the sandbox. @default the workdir */
  cwd?: string
  env?: Record<string, string>
  /** @default 120_000 */
  timeoutMs?: number
  /** The exit code that passes. @default 0 */
  exitCode?: number
  /** Grade name. @default `command(<cmd>)` */
  name?: string
  /**
   * Where the command runs:
   *
   * - `'verifier'`: a fresh sandbox (same provider and image as the case) holding a clean
   *   copy of the workspace fixture with the agent's patch applied and the trusted test
   *   files (`tests`) restored from the fixture, as `graders.unitTests` does. Nothing the
   *   agent did outside its patch is there: no program it put on PATH, no file outside the
   *   workspace, no process it left running. Without a patch the fixture runs as it is.
   * - `'agent-sandbox'`: the case's own sandbox as the agent left it. The agent can change
   *   what the command runs there (edit tests, add a `conftest.py`, put a fake `python3`
   *   on PATH): use it for checks of the agent's environment, not to trust test results.
   *
   * @default `'verifier'` when the command runs a test runner (`isTestCommand`: pytest,
   * node --test, npm test, vitest, jest, go test, cargo test, mvn test, ...), the case has a
   * workspace fixture and an agent ran; else `'agent-sandbox'`
   */
  in?: CommandPlace
  /**
   * Trusted test files in the verifier: globs relative to the workspace root. Files the
   * patch changed that match are restored from the fixture, files it added are removed.
   * @default the detected framework's globs (every framework's when none is detected),
   * plus `package.json` for a command that runs a package script (`npm test`)
   */
  tests?: readonly string[]
}

const commandOptionsSchema = lazy(() =>
  z.strictObject({
    cwd: z.string().min(1).optional(),
    env: z.record(z.string(), z.string()).optional(),
    timeoutMs: z.number().int().positive().optional(),
    exitCode: z.number().int().optional(),
    name: z.string().min(1).optional(),
    in: z.enum(['verifier', 'agent-sandbox']).optional(),
    tests: z.array(z.string().min(1)).optional(),
  }),
)

// A test runner, as a command word: `pytest`, `python3 -m pytest`, `node --test`, `npm test`...
const TEST_RUNNER =
  /(?:^|[\s;&|(])(?:[^\s;&|()]*\/)?(?:py\.?test|python[\d.]*\s+(?:\S+\s+)*-m\s+(?:pytest|unittest)|node\s+(?:\S+\s+)*--test|(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?(?:test|t)|npx\s+(?:\S+\s+)*(?:vitest|jest|mocha)|vitest|jest|mocha|go\s+test|cargo\s+(?:test|nextest)|mvnw?\s+(?:\S+\s+)*(?:test|verify)|gradlew?\s+(?:\S+\s+)*test|deno\s+test|bun\s+test)(?=$|[\s;&|)])/
const PACKAGE_SCRIPT = /(?:^|[\s;&|(])(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?(?:test|t)(?=$|[\s;&|)])/

/**
 * Whether a command runs a test runner (pytest, `python -m unittest`, `node --test`, npm /
 * pnpm / yarn / bun `test`, vitest, jest, mocha, `go test`, `cargo test`, `mvn test`,
 * `gradle test`, `deno test`): such commands run in a verifier by default. Pure.
 */
export function isTestCommand(label: string): boolean {
  return TEST_RUNNER.test(label)
}

/**
 * Runs a command after the agent; the exit code decides (printed text cannot fake a pass).
 * A command that runs a test runner runs in a verifier by default (see `in`): a fresh
 * sandbox with the agent's patch applied and the fixture's test files restored. The
 * command's output is kept in the run directory.
 *
 * @example graders.command('node --test')
 */
export function command(cmd: string | readonly string[], options: CommandGraderOptions = {}): Grader {
  graderOptions('graders.command()', z.union([z.string().min(1), z.array(z.string()).min(1)]), cmd, 'command')
  graderOptions('graders.command()', commandOptionsSchema(), options)
  const argv = typeof cmd === 'string' ? ['sh', '-c', cmd] : [...cmd]
  const label = typeof cmd === 'string' ? cmd : cmd.join(' ')
  const name = options.name ?? `command(${label})`
  const want = options.exitCode ?? 0
  const timeoutMs = options.timeoutMs ?? 120_000
  const runsTests = isTestCommand(label)
  return defineGrader(
    name,
    async (ctx) => {
      const place = options.in ?? (runsTests && ctx.workspace && ctx.agent ? 'verifier' : 'agent-sandbox')
      const run = (sandbox: Sandbox) =>
        sandbox.exec(argv, { cwd: options.cwd, env: options.env, timeoutMs, signal: ctx.signal })
      let result: ExecResult
      let verifier: VerifierFacts | undefined
      if (place === 'verifier') {
        const ran = await inVerifier(ctx, label, options.tests, run)
        result = ran.result
        verifier = ran.facts
      } else {
        result = await run(ctx.sandbox)
      }
      const where = verifier ? `# in a verifier; agent patch: ${verifier.patch}\n` : ''
      const log = `${where}$ ${label}\n${result.stdout}${result.stderr ? `\n--- stderr ---\n${result.stderr}` : ''}${result.truncated ? `\n${TRUNCATED_NOTE}` : ''}`
      const file = await ctx.keep(`grader-${slug(name)}.log`, log)
      const pass = !result.timedOut && !result.canceled && result.exitCode === want
      const how = result.timedOut
        ? `timed out after ${timeoutMs} ms`
        : result.oomKilled
          ? 'was killed for using too much memory'
          : `exited with ${result.exitCode ?? result.signal}`
      const tail = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ')
      const explanation = pass
        ? `\`${label}\` exited with ${want}`
        : `\`${label}\` ${how} (wanted ${want})${tail ? `: ${tail.slice(0, 200)}` : ''}`
      return {
        pass,
        explanation: verifier ? `${explanation}; ${verifierText(verifier)}` : explanation,
        metadata: {
          exitCode: result.exitCode,
          durationMs: result.durationMs,
          in: place,
          ...(verifier && {
            patch: verifier.patch,
            tampered: verifier.tampered.map((f) => f.path),
          }),
          ...(file && { log: file }),
          ...(result.truncated && { outputTruncated: true }),
        },
      }
    },
    { needsSandbox: true },
  )
}

interface VerifierFacts {
  patch: 'none' | 'empty' | 'applied'
  tampered: TamperedFile[]
}

/** Runs `run` in a fresh verifier holding the fixture, the agent's patch and the trusted tests. */
async function inVerifier(
  ctx: GraderContext,
  label: string,
  tests: readonly string[] | undefined,
  run: (sandbox: Sandbox) => Promise<ExecResult>,
): Promise<{ result: ExecResult; facts: VerifierFacts }> {
  const workspace = ctx.workspace
  if (!workspace) {
    throw new EvalboxError(
      'GRADER_CONFIG',
      `graders.command(${JSON.stringify(label)}, { in: 'verifier' }) needs the case's workspace fixture to make a verifier from. Add \`sandbox: { workspace: 'path/to/fixture' }\` to the eval, or pass \`in: 'agent-sandbox'\`.`,
    )
  }
  // The same rules as unitTests: trusted test files and the files the runner reads are put
  // back as the fixture has them.
  const framework = await detectFramework(workspace)
  let globs = tests
  if (!globs) {
    globs = framework ? FRAMEWORK_DEFAULTS[framework].tests : ALL_TEST_GLOBS
    if (PACKAGE_SCRIPT.test(label)) globs = [...globs, 'package.json']
  }
  const rules = { isTest: globMatcher(globs), runnerFile: runnerFileMatcher(framework) }
  const sandbox = await ctx.openSandbox()
  try {
    const { patch, sorted } = await applyTakenChanges(sandbox, ctx.patch, rules)
    const tampered: TamperedFile[] = sorted.tampered.map(({ path, change }) => ({ path, change }))
    return { result: await run(sandbox), facts: { patch, tampered } }
  } finally {
    await sandbox.dispose()
  }
}

function verifierText(facts: VerifierFacts): string {
  const parts = [
    facts.patch === 'applied'
      ? "ran in a verifier (the agent's patch on a clean copy of the fixture)"
      : `ran in a verifier on the clean fixture (${facts.patch === 'empty' ? 'the agent changed nothing' : 'no agent patch'})`,
  ]
  if (facts.tampered.length > 0) {
    const list = facts.tampered.map((file) => `${file.path} (${file.change})`).join(', ')
    parts.push(`test and runner files the agent changed were restored from the fixture: ${list}`)
  }
  return parts.join('; ')
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'command'
  )
}
