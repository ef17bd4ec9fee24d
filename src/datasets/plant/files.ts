import { findFiles, globMatcher } from '../../core/glob.ts'
import type { Language } from './tokenize.ts'

/** A source file of the fixture that bugs may be planted in. */
export interface SourceFile {
  /** Relative to the fixture, with `/` separators. */
  readonly path: string
  readonly language: Language
}

/** Folders never walked into (dependencies, caches, version control). */
export const SKIPPED_DIRS = new Set([
  '.git',
  'node_modules',
  '__pycache__',
  '.pytest_cache',
  '.venv',
  'venv',
  'dist',
  'build',
  'coverage',
])

const TEST_FILE = [
  /(^|\/)(test|tests|__tests__|spec)\//,
  /\.(test|spec)\.[cm]?[jt]s$/,
  /[-_]test\.[cm]?[jt]s$/,
  /(^|\/)test\.[cm]?[jt]s$/,
  /(^|\/)test_[^/]*\.py$/,
  /_test\.py$/,
  /(^|\/)conftest\.py$/,
]

/** True for files that look like tests: bugs are never planted in them. */
export function isTestFile(path: string): boolean {
  return TEST_FILE.some((re) => re.test(path))
}

/** The language of a source file, by extension; undefined for other files. */
export function languageOf(path: string): Language | undefined {
  if (/\.d\.[cm]?ts$/.test(path)) return undefined
  if (/\.[cm]?[jt]s$/.test(path)) return 'js'
  if (path.endsWith('.py')) return 'python'
  return undefined
}

/** The fixture's source files, sorted, without tests and files matching an `exclude` glob. */
export async function listSources(fixture: string, exclude: readonly string[] = []): Promise<SourceFile[]> {
  const excluded = globMatcher(exclude)
  const found: SourceFile[] = []
  for (const path of await findFiles(fixture, '**', { skipDirs: SKIPPED_DIRS })) {
    const language = languageOf(path)
    if (language && !isTestFile(path) && !excluded(path)) found.push({ path, language })
  }
  return found
}

/** `node --test` for JS/TS fixtures, `python3 -m pytest -q` when every source is Python. */
export function defaultTestCommand(sources: readonly SourceFile[]): string {
  return sources.length > 0 && sources.every((s) => s.language === 'python')
    ? 'python3 -m pytest -q'
    : 'node --test'
}
