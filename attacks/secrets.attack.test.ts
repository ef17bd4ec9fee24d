import { execFile, execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { beforeAll, describe, expect } from 'vitest'
import { repoRoot } from '../e2e/support/paths.ts'
import { copyFixture, readJson, resultFiles, runVitest, type VitestRun } from '../e2e/support/run-vitest.ts'
import { attack } from './support/attack.ts'

// The canaries: a key in the environment, a value only the project's `secrets` option names,
// and a key shape the agent makes up (assembled the same way in the fixture's eval file).
const KEY = `sk-ant-canary-${randomBytes(12).toString('hex')}`
const DECLARED = `declared-canary-${randomBytes(8).toString('hex')}`
const INVENTED = ['sk', 'ant', 'api03', `Inv3nted${'Zq9'.repeat(8)}`].join('-')
const CANARIES = { KEY, DECLARED, INVENTED }

/** Where a canary shows in `bytes` (as UTF-8 or UTF-16), if anywhere. */
function leaks(bytes: Buffer): string[] {
  const found: string[] = []
  for (const [name, value] of Object.entries(CANARIES)) {
    if (bytes.includes(value) || bytes.includes(Buffer.from(value, 'utf16le'))) found.push(name)
  }
  return found
}

/** Every file under `dir`, recursively (names included), with the canaries each holds. */
function walk(dir: string): { path: string; found: string[] }[] {
  const out: { path: string; found: string[] }[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name)
    const nameLeaks = leaks(Buffer.from(relative(dir, path)))
    const found = entry.isFile()
      ? [...nameLeaks, ...leaks(readFileSync(path)), ...patchLeaks(path)]
      : nameLeaks
    out.push({ path: relative(dir, path), found })
  }
  return out
}

/**
 * A git patch encodes binary files (deflated, base85): applied to an empty repository, the
 * files it makes are scanned too. A patch that no longer applies (a change withheld) leaks
 * nothing this way.
 */
function patchLeaks(path: string): string[] {
  if (!path.endsWith('.diff')) return []
  const repo = mkdtempSync(join(tmpdir(), 'evalbox-attack-apply-'))
  try {
    execFileSync('git', ['init', '-q'], { cwd: repo })
    execFileSync('git', ['apply', '--binary', path], { cwd: repo, stdio: 'ignore' })
    return walk(repo)
      .filter((file) => !file.path.startsWith('.git'))
      .flatMap((file) => file.found)
  } catch {
    return []
  } finally {
    rmSync(repo, { recursive: true, force: true })
  }
}

function expectClean(label: string, text: string): void {
  const found = leaks(Buffer.from(text))
  expect(found, `${label} holds ${found.join(', ')}`).toEqual([])
}

/** Runs the built `evalbox` command line in `cwd` with the canaries in its environment. */
function runCli(cwd: string, args: string[], env: Record<string, string>) {
  return new Promise<{ stdout: string; stderr: string; exitCode: number }>((resolve) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'dist', 'cli.js'), ...args],
      { cwd, env: { ...process.env, NO_COLOR: '1', ...env } },
      (error, stdout, stderr) => resolve({ stdout, stderr, exitCode: error ? Number(error.code) || 1 : 0 }),
    )
  })
}

type Entry = Record<string, unknown> & {
  name: string
  artifacts?: Record<string, string>
  withheld?: unknown[]
}

describe('secrets: a canary through every channel', () => {
  let dir: string
  let run: VitestRun
  let report: Awaited<ReturnType<typeof runCli>>
  let show: Awaited<ReturnType<typeof runCli>>
  let entries: Entry[]
  let resultsDir: string
  const summaryFile = () => join(dir, 'step-summary.md')

  const entry = (name: string) => entries.find((e) => e.name === name)!
  const kept = (e: Entry, role: string) => readFileSync(join(resultsDir, e.artifacts![role]!), 'utf8')

  beforeAll(async () => {
    dir = copyFixture('secrets-canary', 'attacks')
    resultsDir = join(dir, '.evals')
    writeFileSync(summaryFile(), '')
    const env = {
      ANTHROPIC_API_KEY: KEY,
      MY_DECLARED_VALUE: DECLARED,
      GITHUB_ACTIONS: 'true',
      GITHUB_STEP_SUMMARY: summaryFile(),
      GITHUB_WORKSPACE: dir,
    }
    run = await runVitest(dir, ['--project', 'evals'], { env })
    const [file] = resultFiles(resultsDir)
    entries = file ? (readJson(file) as { tests: Entry[] }).tests : []
    const cliEnv = {
      ANTHROPIC_API_KEY: KEY,
      MY_DECLARED_VALUE: DECLARED,
      EVALBOX_SECRETS: 'MY_DECLARED_VALUE',
    }
    report = await runCli(dir, ['report', '--out', 'report/evals.html'], cliEnv)
    show = await runCli(dir, ['show', resultFiles(resultsDir)[0] ?? 'none', '--all'], cliEnv)
  })

  attack('result file: grade explanations, errors and output are redacted, not the canary', () => {
    expect(run.exitCode, run.stdout + run.stderr).toBe(1)
    expect(entries.map((e) => e.name).sort()).toEqual([
      'a cli agent echoes its environment',
      'a failing assertion prints the secret in its diff',
      'a scripted agent says and writes the secrets',
      'function agent leaks through every channel',
    ])
    expectClean('the result file', readFileSync(resultFiles(resultsDir)[0]!, 'utf8'))
    const leaky = entry('function agent leaks through every channel')
    // Every grader echoed the secrets; each shows labels instead (a snippet's cut-off start too).
    const grades = leaky.grades as { name: string; explanation: string }[]
    expect(grades.map((g) => g.name.replace(/\(.*/, ''))).toEqual([
      'contains',
      'equals',
      'command',
      'echo',
      'thrower',
    ])
    for (const grade of grades) expect(grade.explanation).toContain('key=[REDACTED:ANTHROPIC_API_KEY]')
    expect(grades[1]!.explanation).toContain('declared=[REDACTED:MY_DECLARED_VALUE]...')
    expect(JSON.stringify(leaky)).toContain('invented=[REDACTED:anthropic-key]')
    expect(JSON.stringify(entry('a cli agent echoes its environment').error)).toContain(
      'err [REDACTED:ANTHROPIC_API_KEY] [REDACTED:MY_DECLARED_VALUE]',
    )
    expect(JSON.stringify(entry('a failing assertion prints the secret in its diff').error)).toContain(
      '[REDACTED:ANTHROPIC_API_KEY]',
    )
  })

  attack('output.txt of a long output is redacted', () => {
    const e = entry('function agent leaks through every channel')
    const text = readFileSync(join(resultsDir, e.run_dir as string, 'output.txt'), 'utf8')
    expect(text.length).toBeGreaterThan(16_384)
    expectClean('output.txt', text)
    expect(text.startsWith('key=[REDACTED:ANTHROPIC_API_KEY] declared=[REDACTED:MY_DECLARED_VALUE]')).toBe(
      true,
    )
  })

  attack(
    'agent.log of a function agent (a secret split across writes too) and of a cli agent is redacted',
    () => {
      const fn = kept(entry('function agent leaks through every channel'), 'log')
      expectClean('agent.log (function agent)', fn)
      expect(fn).toContain('split: [REDACTED:ANTHROPIC_API_KEY]\n')
      const cli = kept(entry('a cli agent echoes its environment'), 'log')
      expectClean('agent.log (cli agent)', cli)
      expect(cli).toContain('out [REDACTED:ANTHROPIC_API_KEY] [REDACTED:MY_DECLARED_VALUE]')
    },
  )

  attack('keep(): text is redacted, binary data with a secret is withheld with a note', () => {
    const e = entry('function agent leaks through every channel')
    expect(kept(e, 'notes')).toBe(
      'key=[REDACTED:ANTHROPIC_API_KEY] declared=[REDACTED:MY_DECLARED_VALUE] invented=[REDACTED:anthropic-key]\n',
    )
    expect(e.artifacts!.blob).toMatch(/blob\.dat\.withheld\.txt$/)
    expect(kept(e, 'blob')).toContain('evalbox withheld this file: it is binary and contains the value of')
    expect(e.withheld).toContainEqual({
      path: expect.stringMatching(/blob\.dat$/),
      reason: expect.stringContaining('binary'),
    })
  })

  attack('patch.diff: text changes are redacted, a binary change with a secret is withheld', () => {
    const patch = kept(entry('function agent leaks through every channel'), 'patch')
    expectClean('patch.diff', patch)
    expect(patch).toContain('+key=[REDACTED:ANTHROPIC_API_KEY]')
    expect(patch).toContain('evalbox withheld this binary change: it is binary and contains')
    const scripted = kept(entry('a scripted agent says and writes the secrets'), 'patch')
    expect(scripted).toContain('[REDACTED:MY_DECLARED_VALUE]')
  })

  attack('copied output/: text redacted, binary withheld, a secret in a file name renamed', () => {
    const e = entry('function agent leaks through every channel')
    const out = join(resultsDir, e.artifacts!.output!)
    const names = readdirSync(out, { recursive: true }).map(String).sort()
    expect(names).toEqual([
      'named-[REDACTED:MY_DECLARED_VALUE].txt',
      'nested',
      'nested/blob.bin.withheld.txt',
      'report.txt',
    ])
    expect(readFileSync(join(out, 'report.txt'), 'utf8')).toContain('key=[REDACTED:ANTHROPIC_API_KEY]')
    expect(e.withheld).toContainEqual({
      path: expect.stringMatching(/nested\/blob\.bin$/),
      reason: expect.any(String),
    })
  })

  attack('grader-*.log of a command grader is redacted', () => {
    const e = entry('function agent leaks through every channel')
    const role = Object.keys(e.artifacts!).find((r) => r.startsWith('grader-'))!
    const log = kept(e, role)
    expectClean(role, log)
    expect(log).toContain('--- stderr ---\nkey=[REDACTED:ANTHROPIC_API_KEY]')
  })

  attack(
    'console: Vitest output (console.log, errors, assertion diffs) and annotations hold no canary',
    () => {
      expectClean('stdout', run.stdout)
      expectClean('stderr', run.stderr)
      const all = run.stdout + run.stderr
      expect(all).toContain('console.log key=[REDACTED:ANTHROPIC_API_KEY]')
      expect(all).toContain('console.error key=[REDACTED:ANTHROPIC_API_KEY]')
      expect(all).toContain('stdout.write key=[REDACTED:ANTHROPIC_API_KEY]')
      expect(all).toContain('grader blew up with key=[REDACTED:ANTHROPIC_API_KEY]')
      // The assertion's diff shows the redacted value.
      expect(all).toMatch(/Received:?\s+"key=\[REDACTED:ANTHROPIC_API_KEY\]/)
      // GitHub annotations, one per failing case.
      const annotations = run.stdout.split('\n').filter((line) => line.startsWith('::error file=evals/'))
      expect(annotations.length).toBeGreaterThanOrEqual(4)
      expect(annotations.join('\n')).toContain('[REDACTED:')
    },
  )

  attack('JUnit file and GitHub step summary hold no canary', () => {
    const junit = readFileSync(join(dir, 'reports', 'evals.xml'), 'utf8')
    expectClean('JUnit', junit)
    expect(junit).toContain('[REDACTED:ANTHROPIC_API_KEY]')
    const summary = readFileSync(summaryFile(), 'utf8')
    expectClean('step summary', summary)
    expect(summary).toContain('## Eval results')
  })

  attack('evalbox report (HTML) and evalbox show hold no canary', () => {
    expect(report.exitCode, report.stderr).toBe(0)
    const html = readFileSync(join(dir, 'report', 'evals.html'), 'utf8')
    expectClean('the HTML report', html)
    expect(html).toContain('[REDACTED:ANTHROPIC_API_KEY]')
    expect(show.exitCode, show.stderr).toBe(0)
    expectClean('evalbox show', show.stdout + show.stderr)
  })

  attack(
    'result files holding secrets (older evalbox) are shown redacted by evalbox show and report',
    async () => {
      // Outside the project, so the walk below stays about what evalbox wrote.
      const old = mkdtempSync(join(tmpdir(), 'evalbox-attack-old-'))
      try {
        const file = readJson(resultFiles(resultsDir)[0]!) as { tests: Entry[] }
        file.tests[0]!.error = `old error ${KEY} ${DECLARED} ${INVENTED}`
        const path = join(old, 'old.json')
        writeFileSync(path, JSON.stringify(file))
        // The CLI reads no vitest config: EVALBOX_SECRETS names the declared secret.
        const env = {
          ANTHROPIC_API_KEY: KEY,
          MY_DECLARED_VALUE: DECLARED,
          EVALBOX_SECRETS: 'MY_DECLARED_VALUE',
        }
        const shown = await runCli(dir, ['show', path, '--all', '--json'], env)
        expect(shown.exitCode, shown.stderr).toBe(0)
        expectClean('evalbox show of an old file', shown.stdout + shown.stderr)
        expect(shown.stdout).toContain('old error [REDACTED:ANTHROPIC_API_KEY]')
        const out = join(old, 'old.html')
        const page = await runCli(dir, ['report', '--dir', old, '--out', out], env)
        expect(page.exitCode, page.stderr).toBe(0)
        const html = readFileSync(out, 'utf8')
        expectClean('the HTML report of an old file', html)
        expect(html).toContain('old error [REDACTED:ANTHROPIC_API_KEY]')
      } finally {
        rmSync(old, { recursive: true, force: true })
      }
    },
  )

  attack('a key shape in no variable (made up by the agent) is redacted too', () => {
    const all = walk(dir).filter((file) => file.found.includes('INVENTED'))
    expect(all).toEqual([])
    expect(kept(entry('a scripted agent says and writes the secrets'), 'transcript')).toContain(
      'thinking about key=[REDACTED:ANTHROPIC_API_KEY] declared=[REDACTED:MY_DECLARED_VALUE] invented=[REDACTED:anthropic-key]',
    )
  })

  attack('no file under the project holds a canary (every file, binary included, names too)', () => {
    const files = walk(dir)
    expect(files.length).toBeGreaterThan(20)
    expect(files.some((file) => statSync(join(dir, file.path)).isFile() && file.path.includes('runs/'))).toBe(
      true,
    )
    expect(files.filter((file) => file.found.length > 0)).toEqual([])
  })
})

attack(
  'a plain Vitest test in an evals project: the error the main process records is redacted',
  async () => {
    const dir = copyFixture('secrets-plain', 'attacks')
    const run = await runVitest(dir, ['--project', 'evals'], {
      env: { ANTHROPIC_API_KEY: KEY, MY_DECLARED_VALUE: DECLARED },
    })
    expect(run.exitCode, run.stdout + run.stderr).toBe(1)
    const text = readFileSync(resultFiles(join(dir, '.evals'))[0]!, 'utf8')
    expect(leaks(Buffer.from(text))).toEqual([])
    expect(text).toContain(
      'plain test saw key=[REDACTED:ANTHROPIC_API_KEY] declared=[REDACTED:MY_DECLARED_VALUE]',
    )
  },
)
