import { cpSync, existsSync } from 'node:fs'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { errorMessage } from '../core/errors.ts'
import type { RunFile, TestEntry } from './schema.ts'

/** One input of a merge: the run and the results directory its paths are relative to. */
export interface MergeSource {
  run: RunFile
  /** Results directory of the shard (the folder of its run file). */
  dir: string
  /** For messages: the shard's file as the user named it. */
  name: string
}

/** The kept paths of a case, relative to its results directory: its run dir first, then its files. */
function keptPaths(test: TestEntry): string[] {
  const paths = [test.run_dir, ...Object.values(test.artifacts ?? {}), test.harvest?.patchPath]
  return [...new Set(paths.filter((p): p is string => typeof p === 'string' && p !== ''))]
}

/** Whether `path` lies inside `dir` (or is it). */
function inside(dir: string, path: string): boolean {
  const rel = relative(dir, path)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
}

/**
 * Copies each shard's per-case files (run dirs: patch.diff, agent.log, transcript, outputs…)
 * into the folder of the merged run file, at the same relative paths, so every view of the
 * merged run (report, `show`) finds them. Files already there are kept; a shard whose files
 * live in `outDir` already needs no copy. Returns one message per shard whose files are
 * missing or could not be copied (the merged file is valid all the same; its views note the
 * files missing).
 */
export function copyCaseFiles(sources: readonly MergeSource[], outDir: string): string[] {
  const out = resolve(outDir)
  const problems: string[] = []
  for (const { run, dir, name } of sources) {
    const base = resolve(dir)
    if (base === out) continue
    const missing: string[] = []
    let failure: string | undefined
    for (const test of run.tests) {
      const copied: string[] = []
      for (const path of keptPaths(test)) {
        const from = resolve(base, path)
        const to = resolve(out, path)
        // A path leading out of either folder is not the shard's to give.
        if (!inside(base, from) || !inside(out, to)) continue
        if (copied.some((done) => inside(done, from))) continue
        if (!existsSync(from)) {
          missing.push(path)
          continue
        }
        try {
          cpSync(from, to, { recursive: true, force: false, errorOnExist: false })
          copied.push(from)
        } catch (error) {
          failure ??= `${path}: ${errorMessage(error)}`
        }
      }
    }
    if (missing.length > 0) {
      problems.push(
        `${name}: ${missing.length} kept file${missing.length === 1 ? ' is' : 's are'} not beside it (first: ${resolve(base, missing[0]!)}); ` +
          "the merged run's report and `show` will say so. Keep each shard's whole results directory (its runs/ folder) with its run file.",
      )
    }
    if (failure) problems.push(`${name}: could not copy the case files into ${out} (${failure}).`)
  }
  return problems
}
