import { type ChildProcess, spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from './paths.ts'

/** What a Vitest run printed and how it ended. */
export interface VitestRun {
  stdout: string
  stderr: string
  exitCode: number | null
  signal: NodeJS.Signals | null
}

/**
 * Copies a fixture project (`<suite>/fixtures/<name>`) into `<suite>/.tmp/` (inside the repo, so `evalbox` resolves to this
 * package's build by self-reference and `vitest` to the repo's copy) and returns its path.
 */
export function copyFixture(name: string, suite: 'e2e' | 'attacks' = 'e2e'): string {
  const base = join(repoRoot, suite, '.tmp')
  mkdirSync(base, { recursive: true })
  const dir = mkdtempSync(join(base, `${name.replaceAll('/', '-')}-`))
  cpSync(join(repoRoot, suite, 'fixtures', name), dir, { recursive: true })
  return dir
}

export interface RunOptions {
  env?: Record<string, string | undefined>
  /** Called with the child once it started (to signal it). */
  onSpawn?: (child: ChildProcess) => void
  /** Called with each chunk of stdout. */
  onStdout?: (text: string) => void
  /** The Vitest entry to run. @default the repo's `node_modules/vitest/vitest.mjs` */
  vitest?: string
}

/** Runs `vitest run <args>` in `cwd` as a separate process with plain (colourless) output. */
export function runVitest(cwd: string, args: string[], options: RunOptions = {}): Promise<VitestRun> {
  const env: Record<string, string | undefined> = { ...process.env }
  // The outer Vitest's variables would make the inner one think it is a worker.
  // When evalbox's own tests run on GitHub Actions, the fixture runs must not annotate the outer
  // job or write its summary, nor inherit a gate or JUnit setting.
  for (const key of Object.keys(env)) {
    if (
      /^(VITEST|GITHUB_)/.test(key) ||
      ['TEST', 'EVALBOX_GATE', 'EVALBOX_JUNIT', 'EVALBOX_DIR'].includes(key)
    )
      delete env[key]
  }
  Object.assign(env, { NO_COLOR: '1', FORCE_COLOR: '0', CI: '1', EVALBOX_SANDBOX: 'local', ...options.env })
  const vitest = options.vitest ?? join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs')
  const child = spawn(process.execPath, [vitest, 'run', ...args], {
    cwd,
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  options.onSpawn?.(child)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk
    options.onStdout?.(chunk.toString())
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk
  })
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (exitCode, signal) => resolve({ stdout, stderr, exitCode, signal }))
  })
}

/** Run files in a results dir (no subfolders), oldest first. */
export function resultFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort((a, b) => (runOrder(a) < runOrder(b) ? -1 : 1))
      .map((name) => join(dir, name))
  } catch {
    return []
  }
}

// A second run in the same second is `<stamp>-2.json`, which sorts before `<stamp>.json` by name.
function runOrder(name: string): string {
  const match = /-(\d{8}-\d{6})(?:-(\d+))?\.json$/.exec(name)
  return match ? `${match[1]}-${(match[2] ?? '1').padStart(4, '0')}` : name
}

/** Reads a JSON file. */
export function readJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T
}
