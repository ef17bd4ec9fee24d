import { relative } from 'node:path'
import type { Vitest } from 'vitest/node'
import type { RunFilter } from '../store/schema.ts'

/**
 * How this Vitest run was narrowed to part of the suite, as the run file records it: the
 * `-t` pattern, the file filters of the command line, `--changed`/`--related`, and a
 * `--project` filter that left out one of the evals projects. `undefined` for a full run.
 * Read when the run starts (Vitest has applied its filters by then).
 */
export function runFilterOf(
  vitest: Vitest | undefined,
  evalsProjects: Iterable<string>,
): RunFilter | undefined {
  if (!vitest) return undefined
  const filter: RunFilter = {}
  const pattern = vitest.getGlobalTestNamePattern()
  if (pattern) filter.test_name_pattern = pattern.source
  // Set by Vitest from the command line's file filters; not part of its typed API.
  const files = (vitest as { filenamePattern?: unknown }).filenamePattern
  if (Array.isArray(files) && files.length > 0) filter.files = files.map(String)
  const related = vitest.config.related
  if (related && related.length > 0)
    filter.related = related.map((file) => relative(vitest.config.root, file))
  const left = [...evalsProjects].filter((name) => !vitest.matchesProjectFilter(name))
  const wanted = vitest.config.project
  if (left.length > 0 && wanted && wanted.length > 0) filter.projects = [...wanted]
  return Object.keys(filter).length > 0 ? filter : undefined
}
