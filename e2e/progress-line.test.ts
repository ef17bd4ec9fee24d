import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { repoRoot } from './support/paths.ts'
import { copyFixture } from './support/run-vitest.ts'
import { replayTerminal } from './support/screen.ts'

// util-linux `script` runs a command on a real pseudo-terminal and copies what it shows.
const SCRIPT = '/usr/bin/script'

/** Runs `vitest run` in `cwd` on a 120-column pseudo-terminal; returns everything it drew. */
function runInTerminal(cwd: string): Promise<{ output: string; exitCode: number | null }> {
  const env: Record<string, string | undefined> = { ...process.env }
  for (const key of Object.keys(env)) if (key.startsWith('VITEST') || key === 'TEST') delete env[key]
  // Outside CI, with a terminal, Vitest draws its live window; evalbox adds its line.
  for (const key of ['CI', 'GITHUB_ACTIONS', 'NO_COLOR', 'FORCE_COLOR']) delete env[key]
  Object.assign(env, { EVALBOX_SANDBOX: 'local', TERM: 'xterm' })
  const vitest = join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs')
  const command = `stty cols 120 rows 40; '${process.execPath}' '${vitest}' run --project evals`
  const child = spawn(SCRIPT, ['-qfec', command, '/dev/null'], {
    cwd,
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk
  })
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (exitCode) => resolve({ output, exitCode }))
  })
}

test.skipIf(!existsSync(SCRIPT))(
  'in a terminal, a live progress line on stderr, gone before the results',
  async () => {
    const dir = copyFixture('progress')
    const { output, exitCode } = await runInTerminal(dir)
    expect(exitCode, output).toBe(0)

    // Drawn in place: back to column 0, erase the row, the counts, back to column 0 again.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are the point
    const draws = [...output.matchAll(/\r\u001b\[K(evals: [^\r\n\u001b]*)\r/g)].map((m) => m[1]!)
    expect(draws.length).toBeGreaterThan(0)
    for (const line of draws) {
      expect(line).toMatch(
        /^evals: \d+ done, \d+ running, \d+ queued(, \d+ files? loading)?, \$\d+\.\d\d spent$/,
      )
    }
    expect(draws.some((line) => /[1-9]\d* running/.test(line))).toBe(true)
    expect(draws).toContainEqual(expect.stringMatching(/\$0\.25 spent$/))

    // What the terminal shows at the end: the results, and no progress line left anywhere.
    const screen = replayTerminal(output)
    expect(screen.some((row) => row.startsWith('Eval results — v1.0.0 @ main'))).toBe(true)
    expect(screen.some((row) => row.includes('Total: 5/5 passed — $0.25'))).toBe(true)
    expect(screen.filter((row) => row.includes('spent'))).toEqual([])
  },
)
