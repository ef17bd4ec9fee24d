import type { Sandbox } from '../../sandbox/types.ts'
import { plainLines } from './parsers/text.ts'
import type { UnitTestFramework } from './types.ts'

/**
 * Checks made in the verifier **before the agent's patch is applied**, so only the
 * fixture's own files and the sandbox image take part and nothing the code under test
 * prints can change them:
 *
 * - whether the test runner starts (`probes`): a run is "runner missing" (unscored) only
 *   when one of these failed, never because of what the run printed or its exit code 127;
 * - for pytest's default command, how many tests the clean fixture collects per file
 *   (`collected`), which a report must agree with (see `checkReport`).
 */
export interface Preflight {
  /** The first probe that failed, and what it printed; undefined when the runner starts. */
  missing: { probe: string; output: string } | undefined
  /** pytest's collection of the clean fixture; undefined when not made or unreadable. */
  collected: Collection | undefined
}

/** What `pytest --collect-only -q` found: tests per file, and files that failed to import. */
export interface Collection {
  perFile: Record<string, number>
  /** Files pytest could not collect on the clean fixture (their tests cannot be counted). */
  errored: string[]
}

/** A runner check per framework: a command that fails when the runner cannot start. */
export const RUNNER_PROBES: Readonly<Record<UnitTestFramework, string>> = {
  pytest: "python3 -c 'import pytest'",
  node: 'node --version',
  vitest: 'npx --no -- vitest --version',
  jest: 'npx --no -- jest --version',
  go: 'go version',
  cargo: 'cargo --version',
  maven: 'mvn -v',
}

// Shell words that are not a program to look up.
const SHELL_WORDS = new Set(
  'cd exec env set export unset if then for while until case do done test [ true false : . source eval time command builtin nice timeout'.split(
    ' ',
  ),
)

/**
 * The probes for a run: the framework's runner check, and `command -v` for the command's
 * program when it can be read off (the argv's first item, or a shell string's first word
 * when that is a plain program name). Pure.
 */
export function runnerProbes(
  framework: UnitTestFramework | undefined,
  command: { argv: readonly string[]; shell: boolean },
): string[] {
  const probes: string[] = []
  const first = command.shell
    ? /^\s*([A-Za-z0-9_][A-Za-z0-9_.+/-]*)(?=\s|$)/.exec(command.argv[2] ?? '')?.[1]
    : command.argv[0]
  if (first && !SHELL_WORDS.has(first) && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(first)) {
    probes.push(`command -v ${shellQuote(first)}`)
  }
  if (framework) probes.push(RUNNER_PROBES[framework])
  return probes
}

// Runs each probe in turn; on the first failure prints it, a newline and its output.
const RUN_PROBES = `for probe in "$@"; do
  out=$(sh -c "$probe" 2>&1 </dev/null)
  if [ $? -ne 0 ]; then printf '%s\\n%s' "$probe" "$out"; exit 1; fi
done`

// `-p no:cacheprovider` and no bytecode: the collection leaves nothing behind for the run.
const COLLECT = 'python3 -m pytest --collect-only -q -p no:cacheprovider'

/**
 * Runs the probes, and with `collect` pytest's collection, in `sandbox` as the fixture
 * left it. Call it before applying the agent's patch.
 */
export async function runPreflight(
  sandbox: Sandbox,
  probes: readonly string[],
  options: { collect: boolean; env?: Record<string, string>; signal?: AbortSignal },
): Promise<Preflight> {
  const env = { ...options.env }
  let missing: Preflight['missing']
  if (probes.length > 0) {
    const result = await sandbox.exec(['sh', '-c', RUN_PROBES, 'probe', ...probes], {
      env,
      timeoutMs: 120_000,
      signal: options.signal,
    })
    if (result.exitCode !== 0 && !result.canceled) {
      const [probe = probes[0]!, ...rest] = result.stdout.split('\n')
      const output = rest.join('\n').trim() || result.stderr.trim() || `exit code ${result.exitCode}`
      missing = { probe, output }
    }
  }
  let collected: Collection | undefined
  if (options.collect && !missing) {
    const result = await sandbox.exec(['sh', '-c', COLLECT], {
      env: { ...env, PYTHONDONTWRITEBYTECODE: '1' },
      timeoutMs: 300_000,
      signal: options.signal,
    })
    // 0: collected; 2: some files failed to import; 5: no tests. Anything else: unknown.
    if (result.exitCode === 0 || result.exitCode === 2 || result.exitCode === 5) {
      collected = parseCollection(`${result.stdout}\n${result.stderr}`)
    }
  }
  return { missing, collected }
}

/**
 * Reads `pytest --collect-only -q` output: `path::test` lines (or `path: N` lines, which
 * `-qq` prints), and the files that failed to import (`ERROR path` in the short summary,
 * `ERROR collecting path` headers). Pure.
 */
export function parseCollection(output: string): Collection {
  const perFile: Record<string, number> = {}
  const errored = new Set<string>()
  for (const raw of plainLines(output)) {
    const line = raw.trimEnd()
    const error = /^ERROR (\S+\.py)\b/.exec(line) ?? /^_+ ERROR collecting (\S+) _+$/.exec(line)
    if (error) {
      errored.add(error[1]!)
      continue
    }
    const id = /^([^\s:][^:]*\.py)::\S/.exec(line)
    if (id) {
      perFile[id[1]!] = (perFile[id[1]!] ?? 0) + 1
      continue
    }
    const count = /^([^\s:][^:]*\.py): (\d+)$/.exec(line)
    if (count) perFile[count[1]!] = (perFile[count[1]!] ?? 0) + Number(count[2])
  }
  return { perFile, errored: [...errored].sort() }
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`
}
