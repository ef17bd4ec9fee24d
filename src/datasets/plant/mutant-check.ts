import { EvalboxError } from '../../core/errors.ts'
import { createLocalSandbox } from '../../sandbox/local/local-sandbox.ts'
import type { ExecResult, Sandbox } from '../../sandbox/types.ts'
import { languageOf } from './files.ts'

/** Options of `openMutantChecker`. */
export interface MutantCheckerOptions {
  readonly command: string | readonly string[]
  readonly timeoutMs: number
  readonly signal?: AbortSignal
}

/** Runs the fixture's tests against mutated sources in one local sandbox. */
export interface MutantChecker extends AsyncDisposable {
  /**
   * True when the tests catch the mutant: the changed files parse, and the test command
   * exits non-zero (a timeout or a kill does not count). The files are restored after.
   */
  caught(files: ReadonlyMap<string, string>): Promise<boolean>
  dispose(): Promise<void>
}

function tail(result: ExecResult): string {
  return `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-5).join(' | ').slice(0, 400)
}

const PY_PARSE = 'import ast, sys\nfor f in sys.argv[1:]: ast.parse(open(f, encoding="utf-8").read(), f)'

/**
 * Opens a sandbox holding a copy of the fixture and checks that its tests pass as they are
 * (otherwise every mutant would look caught).
 */
export async function openMutantChecker(
  fixture: string,
  options: MutantCheckerOptions,
): Promise<MutantChecker> {
  // No bytecode caches: a mutant of the same size written within the same second could
  // otherwise run from a stale .pyc.
  const sandbox: Sandbox = await createLocalSandbox({
    workspace: fixture,
    label: 'plant-bugs',
    env: { PYTHONDONTWRITEBYTECODE: '1' },
  })
  const argv = typeof options.command === 'string' ? ['sh', '-c', options.command] : [...options.command]
  const label = typeof options.command === 'string' ? options.command : options.command.join(' ')
  const runTests = () => sandbox.exec(argv, { timeoutMs: options.timeoutMs, signal: options.signal })

  try {
    const baseline = await runTests()
    if (baseline.exitCode !== 0 || baseline.timedOut) {
      const how = baseline.timedOut
        ? `timed out after ${options.timeoutMs} ms`
        : `exited with ${baseline.exitCode}`
      throw new EvalboxError(
        'INVALID_OPTIONS',
        `The fixture's tests must pass before bugs are planted, but \`${label}\` ${how} in ${fixture}: ${tail(baseline)}. Fix the fixture, or pass the right \`testCommand\`.`,
      )
    }
  } catch (error) {
    await sandbox.dispose()
    throw error
  }

  const parses = async (paths: string[]): Promise<boolean> => {
    const js = paths.filter((p) => /\.[cm]?js$/.test(p))
    const py = paths.filter((p) => languageOf(p) === 'python')
    for (const file of js) if ((await sandbox.exec(['node', '--check', file])).exitCode !== 0) return false
    if (py.length > 0 && (await sandbox.exec(['python3', '-c', PY_PARSE, ...py])).exitCode !== 0) return false
    return true
  }

  const dispose = () => sandbox.dispose()
  return {
    async caught(files) {
      const originals = new Map<string, Buffer>()
      for (const path of files.keys()) originals.set(path, await sandbox.readFile(path))
      try {
        for (const [path, text] of files) await sandbox.writeFile(path, text)
        if (!(await parses([...files.keys()]))) return false
        const result = await runTests()
        return !result.timedOut && !result.canceled && result.exitCode !== null && result.exitCode !== 0
      } finally {
        for (const [path, data] of originals) await sandbox.writeFile(path, data)
      }
    },
    dispose,
    [Symbol.asyncDispose]: dispose,
  }
}
