import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { findFiles } from '../../core/glob.ts'
import { pytestConfigFile } from './trusted-config.ts'
import type { UnitTestFramework } from './types.ts'

interface PackageJson {
  scripts?: Record<string, string>
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.venv', 'venv', '__pycache__', 'target', 'dist'])
/** `test_*.py` / `*_test.py` in the root or one folder down, not in hidden folders. */
const PYTHON_TESTS = ['{,*/}test_*.py', '{,*/}*_test.py', '!.*/**']

/**
 * Which framework a workspace uses, from its files; undefined when none is recognised.
 * In this order:
 *
 * 1. `package.json` whose `test` script runs vitest, jest or `node --test`; else whose
 *    dependencies include vitest, then jest.
 * 2. `go.mod` → go; `Cargo.toml` → cargo; `pom.xml` → maven.
 * 3. pytest: `conftest.py`, a pytest config (`pytestConfigFile`: `pytest.ini`,
 *    `[tool.pytest.ini_options]` in `pyproject.toml`, `[tool:pytest]` in `setup.cfg`,
 *    `[pytest]` in `tox.ini`, ...), or `test_*.py` / `*_test.py` in the root or one folder down.
 * 4. Any other `package.json` whose `test` script names no other runner → node (node:test).
 */
export async function detectFramework(dir: string): Promise<UnitTestFramework | undefined> {
  const names = new Set(await readdir(dir).catch(() => [] as string[]))
  const text = async (name: string) =>
    names.has(name) ? readFile(join(dir, name), 'utf8').catch(() => '') : undefined

  const pkg = parsePackage(await text('package.json'))
  const testScript = pkg?.scripts?.test ?? ''
  if (/\bvitest\b/.test(testScript)) return 'vitest'
  if (/\bjest\b/.test(testScript)) return 'jest'
  if (/\bnode\b.*--test\b/.test(testScript)) return 'node'
  const deps = { ...pkg?.dependencies, ...pkg?.devDependencies }
  if ('vitest' in deps) return 'vitest'
  if ('jest' in deps) return 'jest'

  if (names.has('go.mod')) return 'go'
  if (names.has('Cargo.toml')) return 'cargo'
  if (names.has('pom.xml')) return 'maven'

  if (names.has('conftest.py') || (await pytestConfigFile(dir))) return 'pytest'
  if (await hasPythonTests(dir)) return 'pytest'

  // A script that runs something else (mocha, ava, tap, ...) is not ours to guess.
  if (pkg && (testScript === '' || /^node\b/.test(testScript) || /no test specified/.test(testScript))) {
    return 'node'
  }
  return undefined
}

function parsePackage(text: string | undefined): PackageJson | undefined {
  if (text === undefined) return undefined
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null ? (value as PackageJson) : {}
  } catch {
    return {}
  }
}

async function hasPythonTests(dir: string): Promise<boolean> {
  const found = await findFiles(dir, PYTHON_TESTS, { deep: 2, skipDirs: SKIP_DIRS }).catch(() => [])
  return found.length > 0
}
