/**
 * Records the cassettes of the agent CLI examples (examples/claude-code, codex, gemini-cli,
 * opencode, qwen-code) offline, reproducibly: no real model is reachable here, so each example
 * runs once with EVALBOX_MODEL=record against the scripted upstream (src/testing/scripted-upstream),
 * which plays the example's task the way a model would: run the failing test, read the file,
 * write the fix, run the test again, answer. The gateway writes what it forwarded to
 * `examples/<name>/evals/__cassettes__/<eval file>/<case>.ndjson`; the script then checks that
 * no cassette holds the key it used or a path of this machine.
 *
 *   node bench/run-ts.mjs scripts/record-example-cassettes.ts [example ...]
 *
 * Needs Docker and the agent image (scripts/build-agent-image.sh, run here), the CLIs
 * installed on the host (scripts/install-agent-clis.sh) and the package built (done here).
 */
import { execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startScriptedUpstream, type UpstreamStep } from '../src/testing/scripted-upstream/index.ts'

/** The repository: the first folder up from this file (or its bundle in bench/.tmp) with this script. */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'scripts', 'record-example-cassettes.ts'))) {
    if (dirname(dir) === dir) throw new Error('run this script from the evalbox repository')
    dir = dirname(dir)
  }
  return `${dir}/`
}
const root = repositoryRoot()

type Provider = 'anthropic' | 'openai' | 'gemini'
const KEY_ENV: Record<Provider, string> = {
  anthropic: 'ANTHROPIC_API_KEY',
  openai: 'OPENAI_API_KEY',
  gemini: 'GEMINI_API_KEY',
}

interface Example {
  /** The provider whose key and base URL the CLI's calls go to. */
  readonly provider: Provider
  /** The file the agent fixes (relative to the fixture) and its fixed content. */
  readonly file: string
  readonly fixed: string
  readonly answer: string
}

/** Each example's task, as the scripted model plays it. */
export const EXAMPLES: Readonly<Record<string, Example>> = {
  'claude-code': {
    provider: 'anthropic',
    file: 'src/range.js',
    fixed: [
      '/** The integers from `start` to `end`, both included. */',
      'export function range(start, end) {',
      '  const result = []',
      '  for (let n = start; n <= end; n++) result.push(n)',
      '  return result',
      '}',
      '',
    ].join('\n'),
    answer: 'Fixed range(): the loop stopped before `end`; it now includes it (`n <= end`).',
  },
  codex: {
    provider: 'openai',
    file: 'src/clamp.js',
    fixed: [
      '/** `value` limited to the interval [`min`, `max`]. */',
      'export function clamp(value, min, max) {',
      '  return Math.min(Math.max(value, min), max)',
      '}',
      '',
    ].join('\n'),
    answer: 'Fixed clamp(): min and max were swapped; it now limits the value to [min, max].',
  },
  'gemini-cli': {
    provider: 'gemini',
    file: 'src/initials.js',
    fixed: [
      '/** The initials of a name, upper-cased: "ada lovelace" → "AL". */',
      'export function initials(name) {',
      '  return name',
      '    .split(/\\s+/)',
      '    .filter(Boolean)',
      '    .map((word) => word[0].toUpperCase())',
      "    .join('')",
      '}',
      '',
    ].join('\n'),
    answer: 'Fixed initials(): it took the last letter of each word; it now takes the first.',
  },
  opencode: {
    provider: 'openai',
    file: 'src/average.js',
    fixed: [
      '/** The mean of a list of numbers; 0 for an empty list. */',
      'export function average(numbers) {',
      '  if (numbers.length === 0) return 0',
      '  return numbers.reduce((sum, n) => sum + n, 0) / numbers.length',
      '}',
      '',
    ].join('\n'),
    answer: 'Fixed average(): an empty list divided by zero; it now returns 0.',
  },
  'qwen-code': {
    provider: 'openai',
    file: 'src/words.js',
    fixed: [
      '/** The number of words in a text (runs of non-space characters). */',
      'export function countWords(text) {',
      '  return text.split(/\\s+/).filter(Boolean).length',
      '}',
      '',
    ].join('\n'),
    answer: 'Fixed countWords(): repeated spaces counted as words; empty pieces are now dropped.',
  },
}

/** What the scripted model does for an example: the steps of a careful fix. */
export function scriptFor(example: Example): UpstreamStep[] {
  return [
    { shell: 'node --test' },
    { read: example.file },
    { write: example.file, content: example.fixed },
    { shell: 'node --test' },
    { answer: example.answer },
  ]
}

function run(cwd: string, args: string[], env: Record<string, string | undefined>): Promise<number | null> {
  const childEnv: Record<string, string | undefined> = { ...process.env }
  for (const key of Object.keys(childEnv)) if (/^(VITEST|GITHUB_)/.test(key)) delete childEnv[key]
  Object.assign(childEnv, env)
  const child = spawn(process.execPath, args, { cwd, env: childEnv as NodeJS.ProcessEnv, stdio: 'inherit' })
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', resolve)
  })
}

function cassetteFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ndjson'))
    .map((name) => join(dir, name))
}

async function record(name: string, example: Example): Promise<void> {
  const dir = join(root, 'examples', name)
  const cassettes = join(dir, 'evals', '__cassettes__')
  const key = `sk-record-${randomBytes(16).toString('hex')}`
  const upstream = await startScriptedUpstream({ apiKey: key, scripts: { steps: scriptFor(example) } })
  try {
    rmSync(cassettes, { recursive: true, force: true })
    const keyEnv = KEY_ENV[example.provider]
    const env: Record<string, string | undefined> = {
      EVALBOX_MODEL: 'record',
      ANTHROPIC_API_KEY: undefined,
      OPENAI_API_KEY: undefined,
      GEMINI_API_KEY: undefined,
      [keyEnv]: key,
      [`EVALBOX_${example.provider.toUpperCase()}_BASE_URL`]: upstream.url,
    }
    console.log(`${name}: recording against the scripted upstream at ${upstream.url}`)
    const code = await run(dir, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run'], env)
    if (code !== 0) throw new Error(`${name}: the recording run failed (exit ${code})`)
    const files = cassetteFiles(cassettes)
    if (files.length === 0) throw new Error(`${name}: no cassette was written under ${cassettes}`)
    for (const file of files) {
      const text = readFileSync(file, 'utf8')
      const leaks = [key, root, root.replace(/\/$/, ''), 'evalbox-gw-'].filter((bad) => text.includes(bad))
      if (leaks.length > 0)
        throw new Error(`${file} holds ${leaks.join(', ')}: it must hold no key nor host path`)
      console.log(`${name}: ${file.slice(root.length)}: ${text.trim().split('\n').length} calls`)
    }
  } finally {
    await upstream.close()
  }
}

const names = process.argv.slice(2)
for (const name of names)
  if (!EXAMPLES[name]) throw new Error(`no example ${name}: ${Object.keys(EXAMPLES).join(', ')}`)
execFileSync(join(root, 'scripts', 'build-agent-image.sh'), { stdio: ['ignore', 'inherit', 'inherit'] })
execFileSync(process.execPath, [join(root, 'node_modules', 'tsup', 'dist', 'cli-default.js')], {
  cwd: root,
  stdio: 'ignore',
})
for (const name of names.length > 0 ? names : Object.keys(EXAMPLES)) await record(name, EXAMPLES[name]!)
