import type { PatchFile } from './patch-files.ts'

/** A file the agent changed that the verifier does not take: put back as the fixture has it. */
export interface Tampering extends PatchFile {
  /** `a trusted test file`, or why the runner reads it (`RUNNER_FILES`). */
  why: string
}

/** How the verifier treats each file of the agent's patch (files in neither list are applied). */
export interface SortedChanges {
  /** Trusted test files and runner files: restored from the fixture, reported as tampering. */
  tampered: Tampering[]
  /** Other files outside `solutionFiles`: restored from the fixture too, but not tampering. */
  ignored: PatchFile[]
}

/** The rules `sortChanges` applies, in this order. */
export interface ChangeRules {
  isTest: (path: string) => boolean
  /** Why the runner reads the file, or undefined. */
  runnerFile: (path: string) => string | undefined
  /** Whether a change may reach the verifier; undefined: every change may. */
  isSolution?: (path: string) => boolean
}

/**
 * Sorts the patch's files: a trusted test file, then a file the runner reads, is
 * tampering; a file outside `solutionFiles` is ignored; anything else is applied. Paths
 * that are absolute or climb out with `..` are left out: `git apply` refuses them (and
 * the harvest never makes them). Pure.
 */
export function sortChanges(files: readonly PatchFile[], rules: ChangeRules): SortedChanges {
  const sorted: SortedChanges = { tampered: [], ignored: [] }
  for (const file of files) {
    if (file.path.startsWith('/') || file.path.split('/').includes('..')) continue
    const why = rules.isTest(file.path) ? 'a trusted test file' : rules.runnerFile(file.path)
    if (why) sorted.tampered.push({ ...file, why })
    else if (rules.isSolution && !rules.isSolution(file.path)) sorted.ignored.push(file)
  }
  return sorted
}
