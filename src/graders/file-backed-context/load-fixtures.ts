import { existsSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { EvalboxError, errorMessage } from '../../core/errors.ts'
import { findFiles } from '../../core/glob.ts'
import { check } from '../../core/validate.ts'
import { type ContextFixture, contextFixtureSchema } from './fixture-schema.ts'

/** A validated fixture and where it came from. */
export type LoadedFixture = ContextFixture & {
  /** Absolute path of the fixture JSON; undefined for a fixture given as an object. */
  readonly file: string | undefined
  /** Absolute path of `payloadFile`, when the fixture has one. */
  readonly payloadPath: string | undefined
}

function nameOf(value: unknown): string {
  const id = (value as { id?: unknown } | null)?.id
  return typeof id === 'string' ? `"${id}" (given as an object)` : '(given as an object)'
}

/**
 * Validates one fixture. `file` is the JSON file it came from (named in errors); `baseDir` is
 * where a relative `payloadFile` is looked for, which must exist.
 */
export function parseFixture(value: unknown, options: { file?: string; baseDir: string }): LoadedFixture {
  const source = options.file ?? nameOf(value)
  const parsed = check(contextFixtureSchema(), value, { root: 'a fixture object' })
  if (!parsed.ok) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `Fixture ${source} is invalid: ${parsed.problem}. Fix these fields (the format is described in examples/file-backed-context/README.md).`,
    )
  }
  const fixture = parsed.data
  const payloadPath =
    fixture.payloadFile === undefined ? undefined : resolve(options.baseDir, fixture.payloadFile)
  if (payloadPath !== undefined && !existsSync(payloadPath)) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `Fixture ${source}: \`payloadFile\` ${JSON.stringify(fixture.payloadFile)} not found (looked for ${payloadPath}). Paths are relative to the fixture's folder.`,
    )
  }
  return { ...fixture, file: options.file, payloadPath }
}

/** Reads and validates one fixture JSON file. */
export async function loadFixture(file: string): Promise<LoadedFixture> {
  const path = resolve(file)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new EvalboxError('INVALID_OPTIONS', `Cannot read fixture ${path}: ${errorMessage(error)}.`, {
      cause: error,
    })
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new EvalboxError('INVALID_OPTIONS', `Fixture ${path} is not valid JSON: ${errorMessage(error)}.`, {
      cause: error,
    })
  }
  return parseFixture(value, { file: path, baseDir: dirname(path) })
}

/**
 * Loads every `*.json` fixture directly inside `dir` (payload files may sit beside them or in
 * sub-folders), validated and sorted by id. Two fixtures with one id are refused.
 */
export async function loadFixtures(dir: string): Promise<LoadedFixture[]> {
  const root = resolve(dir)
  let files: string[]
  try {
    // A missing folder would list as empty; a fixture folder must exist.
    await stat(root)
    files = await findFiles(root, '*.json', { deep: 1 })
  } catch (error) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `Cannot read the fixture directory ${root}: ${errorMessage(error)}. Pass a folder of fixture JSON files.`,
      { cause: error },
    )
  }
  const fixtures = await Promise.all(files.map((name) => loadFixture(join(root, name))))
  fixtures.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  for (let index = 1; index < fixtures.length; index++) {
    const [before, after] = [fixtures[index - 1]!, fixtures[index]!]
    if (before.id === after.id) {
      throw new EvalboxError(
        'INVALID_OPTIONS',
        `Fixtures ${before.file} and ${after.file} share the id "${after.id}"; give each fixture its own id.`,
      )
    }
  }
  return fixtures
}
