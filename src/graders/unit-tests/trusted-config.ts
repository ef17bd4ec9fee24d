import { readdir, readFile } from 'node:fs/promises'
import { join, posix } from 'node:path'
import { escapeGlob } from '../../core/glob.ts'
import type { UnitTestFramework } from './types.ts'

// pytest 9's order within a folder; each entry names the section that makes the file count
// (none: the file counts whatever it holds).
const PYTEST_CONFIGS: readonly [name: string, section: RegExp | undefined][] = [
  ['pytest.toml', undefined],
  ['.pytest.toml', undefined],
  ['pytest.ini', undefined],
  ['.pytest.ini', undefined],
  ['pyproject.toml', /^\[tool\.pytest(?:\.ini_options)?\]/m],
  ['tox.ini', /^\[pytest\]/m],
  ['setup.cfg', /^\[tool:pytest\]/m],
]

/** The fixture's pytest config file at the workspace root, as pytest 9 picks it; undefined when none. */
export async function pytestConfigFile(workspace: string): Promise<string | undefined> {
  const names = new Set(await readdir(workspace).catch(() => [] as string[]))
  for (const [name, section] of PYTEST_CONFIGS) {
    if (!names.has(name)) continue
    if (!section || section.test(await readFile(join(workspace, name), 'utf8').catch(() => ''))) return name
  }
  return undefined
}

/**
 * Test files the fixture's own runner config names, as globs, to trust besides the
 * framework's defaults: pytest's `python_files` patterns (`check_*.py`, not a bare `*.py`,
 * which would make the whole solution a test), and the setup files, environments,
 * transforms, resolvers and reporters a root jest or vitest config (or `package.json`'s `jest` key)
 * names by relative path (`setupFiles: ['./src/setupTests.ts']`). Read from the host
 * fixture, never from the agent's copy.
 */
export async function configTestGlobs(
  workspace: string,
  framework: UnitTestFramework | undefined,
): Promise<string[]> {
  if (framework === 'pytest') {
    const config = await pytestConfigFile(workspace)
    if (!config) return []
    const patterns = pythonFiles(await readFile(join(workspace, config), 'utf8').catch(() => ''))
    return patterns
      .filter((pattern) => !/^\*+(\.py)?$/.test(pattern))
      .map((pattern) => (pattern.includes('/') ? pattern : `**/${pattern}`))
  }
  if (framework !== 'vitest' && framework !== 'jest') return []
  const names = (await readdir(workspace).catch(() => [] as string[])).filter((name) =>
    /^(vitest\.config|vite\.config|vitest\.workspace|jest\.config)\.[a-z]+$|^package\.json$/.test(name),
  )
  const globs: string[] = []
  for (const name of names) {
    globs.push(...namedFiles(await readFile(join(workspace, name), 'utf8').catch(() => '')))
  }
  return [...new Set(globs)]
}

/** `python_files` of an ini or toml pytest config (`a_*.py b_*.py`, or a toml list). Pure. */
export function pythonFiles(text: string): string[] {
  const match = /^\s*python_files\s*=\s*(\[[^\]]*\]|.*(?:\n[ \t]+\S.*)*)/m.exec(text)
  if (!match) return []
  const value = match[1]!
  const quoted = [...value.matchAll(/(["'])([^"'\n]+)\1/g)].map((m) => m[2]!)
  return quoted.length > 0 ? quoted : value.split(/\s+/).filter(Boolean)
}

// Keys whose values name code the runner loads: setup files, environments, transforms,
// serializers, resolvers, runners, reporters (jest and vitest). Transform values are objects
// (`{ '\\.js$': '<rootDir>/tools/transform.js' }`) or `[path, options]` pairs.
const SETUP_KEYS = [
  'setupFiles',
  'setupFilesAfterEnv',
  'globalSetup',
  'globalTeardown',
  'testEnvironment',
  'environment',
  'transform',
  'snapshotSerializers',
  'snapshotResolver',
  'resolver',
  'runner',
  'testRunner',
  'testSequencer',
  'testResultsProcessor',
  'reporters',
  'watchPlugins',
  'moduleLoader',
  'dependencyExtractor',
  'hasteImplModulePath',
  'prettierPath',
  'pool',
]

/**
 * Relative paths a JS runner config gives to the keys above (`<rootDir>/`, `./` or a name
 * with a JS/TS extension; package names are left out: `node_modules` is never the
 * agent's), as globs that also match what node resolves an extensionless path to. Pure.
 */
export function namedFiles(config: string): string[] {
  const globs: string[] = []
  const key = new RegExp(`\\b(?:${SETUP_KEYS.join('|')})["']?\\s*:\\s*`, 'g')
  for (const match of config.matchAll(key)) {
    const value = valueAt(config, match.index + match[0].length)
    for (const literal of value.matchAll(/(["'`])([^"'`\n]+)\1/g)) {
      const file = relativeFile(literal[2]!)
      if (!file) continue
      // A config names files literally: `src/[id]/setup.ts` is that folder, not a class.
      const path = escapeGlob(file)
      globs.push(path)
      if (!/\.[cm]?[jt]sx?$/.test(file)) globs.push(`${path}.*`, `${path}/index.*`)
    }
  }
  return globs
}

// The text of the value at `start`: a quoted string, or a bracketed list or object up to
// its matching close (brackets inside strings are skipped).
function valueAt(text: string, start: number): string {
  const open = text[start]
  if (open === '"' || open === "'" || open === '`') {
    const close = text.indexOf(open, start + 1)
    return close < 0 ? '' : text.slice(start, close + 1)
  }
  if (open !== '[' && open !== '{') return ''
  let depth = 0
  let quote: string | undefined
  for (let i = start; i < text.length; i++) {
    const char = text[i]!
    if (quote) {
      if (char === '\\') i++
      else if (char === quote) quote = undefined
    } else if (char === '"' || char === "'" || char === '`') quote = char
    else if (char === '[' || char === '{') depth++
    else if ((char === ']' || char === '}') && --depth === 0) return text.slice(start, i + 1)
  }
  return text.slice(start)
}

function relativeFile(value: string): string | undefined {
  const explicit = /^(<rootDir>\/|\.\/)/.test(value)
  if (!explicit && !/\.[cm]?[jt]sx?$/.test(value)) return undefined
  if (value.startsWith('@') && !explicit) return undefined
  const path = posix.normalize(value.replace(/^<rootDir>\//, ''))
  return path.startsWith('../') || path.startsWith('/') || path === '.' ? undefined : path
}
