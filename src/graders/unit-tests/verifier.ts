import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, posix } from 'node:path'
import { type GitFile, gitFile } from '../../agents/git-patch.ts'
import { EvalboxError } from '../../core/errors.ts'
import { readContent, readTree } from '../../sandbox/tree.ts'
import type { Sandbox } from '../../sandbox/types.ts'
import { applyFilePatch, type FilePatch, PatchError, parseGitPatch } from './git-apply.ts'
import { type PatchFile, patchFiles } from './patch-files.ts'
import { type ChangeRules, type SortedChanges, sortChanges } from './sort-changes.ts'

// Prints each argument that is a symbolic link or not a folder: what a patched path may not
// lie under (git apply refuses paths "beyond a symbolic link").
const NOT_A_FOLDER = `for d do
  if [ -L "$d" ] || { [ -e "$d" ] && [ ! -d "$d" ]; }; then printf '%s\\n' "$d"; fi
done`

// Arguments: k, then the k deleted paths, then every path shallow first (a link is gone
// before any path under it). Removes every path, then the folders the deleted ones leave
// empty (as git apply does).
const REMOVE = `k=$1; shift
i=0
for p do i=$((i + 1)); [ "$i" -le "$k" ] || rm -rf -- "$p" || exit 1; done
i=0
for p do
  i=$((i + 1)); [ "$i" -le "$k" ] || break
  d=$(dirname -- "$p")
  while [ "$d" != . ] && rmdir -- "$d" 2>/dev/null; do d=$(dirname -- "$d"); done
done`

/** What a verifier took of the agent's patch. */
export interface TakenChanges {
  /** `none`: no patch (no agent, nothing harvested); `empty`: the agent changed nothing. */
  patch: 'none' | 'empty' | 'applied'
  /** Every file the patch touches. */
  changed: PatchFile[]
  /** The files not taken: tampering (test and runner files) and files outside `solutionFiles`. */
  sorted: SortedChanges
}

/**
 * Sorts the agent's changes by `rules` (`sortChanges`) and applies to the verifier only the
 * ones it takes: a test file, a runner file or a file outside `solutionFiles` keeps the
 * fixture's version (an added one never appears). The one way `graders.unitTests` and
 * `graders.command` in a verifier take the agent's work.
 */
export async function applyTakenChanges(
  sandbox: Sandbox,
  agentPatch: { diff: string; files: readonly string[] } | undefined,
  rules: ChangeRules,
): Promise<TakenChanges> {
  if (!agentPatch) return { patch: 'none', changed: [], sorted: sortChanges([], rules) }
  const changed = patchFiles(agentPatch.diff, agentPatch.files)
  const sorted = sortChanges(changed, rules)
  if (agentPatch.diff.trim() === '') return { patch: 'empty', changed, sorted }
  const refused = new Set([...sorted.tampered, ...sorted.ignored].map((file) => file.path))
  await applyAgentPatch(sandbox, agentPatch.diff, (path) => !refused.has(path))
  return { patch: 'applied', changed, sorted }
}

/**
 * Applies the agent's patch (`git diff --binary` against the fixture, as the harvest makes
 * it) to the verifier's clean copy of the fixture, on the host: each file is read from the
 * verifier through the provider's tree reader, patched in memory (text hunks, binary literal
 * and delta hunks, mode changes, links, deletions; blob ids checked), and the results are
 * copied in; deleted files are removed (and the folders they leave empty). Nothing of git,
 * nor anything the agent wrote, runs in the verifier: images without git work. Only files
 * that `take` accepts are applied (the others keep the fixture's version). A patch that does
 * not apply, or a path under a link or a file, is an error naming the file.
 */
export async function applyAgentPatch(
  sandbox: Sandbox,
  diff: string,
  take: (path: string) => boolean = () => true,
): Promise<void> {
  const fail = (why: string) =>
    new EvalboxError(
      'GRADER_CONFIG',
      `could not apply the agent's patch to a clean copy of the fixture in verifier ${sandbox.id}: ${why}. Did the fixture change since the agent ran?`,
    )
  let sections: FilePatch[]
  try {
    sections = parseGitPatch(diff).filter((section) => take(section.path))
  } catch (error) {
    throw fail(error instanceof PatchError ? error.message : String(error))
  }
  if (sections.length === 0) return
  const paths = [...new Set(sections.map((section) => section.path))]
  for (const path of paths) {
    if (
      path.startsWith('/') ||
      path.split('/').some((part) => part === '..' || part === '.' || part === '')
    ) {
      throw fail(`${JSON.stringify(path)} is not a path inside the workdir`)
    }
  }
  // Folders the patched files lie in must be folders of the verifier, not links or files.
  const touched = new Set(paths)
  const parents = new Set<string>()
  for (const path of paths) {
    for (let dir = posix.dirname(path); dir !== '.'; dir = posix.dirname(dir))
      if (!touched.has(dir)) parents.add(dir)
  }
  for (const chunk of chunks([...parents])) {
    const found = await sandbox.exec(['sh', '-c', NOT_A_FOLDER, 'check', ...chunk])
    const bad = found.stdout.split('\n').find(Boolean)
    if (found.exitCode !== 0)
      throw fail(`cannot check the folders of the patched files: ${found.stderr.trim()}`)
    if (bad)
      throw fail(
        `${paths.find((path) => path.startsWith(`${bad}/`))} lies beyond a symbolic link or a file (${bad})`,
      )
  }

  const result = new Map<string, GitFile | undefined>()
  for (const section of sections) {
    const before = result.has(section.path)
      ? result.get(section.path)
      : section.oldMode === undefined
        ? undefined
        : await readVerifierFile(sandbox, section.path)
    try {
      result.set(section.path, applyFilePatch(section, before))
    } catch (error) {
      throw fail(error instanceof Error ? error.message : String(error))
    }
  }
  for (const [path, file] of result) {
    if (!file) continue
    for (let dir = posix.dirname(path); dir !== '.'; dir = posix.dirname(dir)) {
      if (result.get(dir)) throw fail(`${path} lies beyond a symbolic link or a file (${dir}, in the patch)`)
    }
  }

  const depth = (path: string) => path.split('/').length
  const byDepth = [...paths].sort((a, b) => depth(a) - depth(b))
  for (const chunk of chunks(byDepth)) {
    const deleted = chunk.filter((path) => !result.get(path))
    const args = [String(deleted.length), ...deleted, ...chunk]
    const removed = await sandbox.exec(['sh', '-c', REMOVE, 'remove', ...args])
    if (removed.exitCode !== 0) {
      throw new EvalboxError(
        'SANDBOX_UNAVAILABLE',
        `could not remove the files the agent's patch replaces in verifier ${sandbox.id}: ${removed.stderr.trim()}`,
      )
    }
  }
  const written = [...result].filter((entry): entry is [string, GitFile] => entry[1] !== undefined)
  if (written.length === 0) return
  const staging = await mkdtemp(join(tmpdir(), 'evalbox-patched-'))
  try {
    await chmod(staging, 0o755)
    for (const [path, file] of written) {
      const to = join(staging, path)
      await mkdir(posix.dirname(to), { recursive: true })
      if (file.mode === '120000') await symlink(file.data.toString('utf8'), to)
      else await writeFile(to, file.data, { mode: file.mode === '100755' ? 0o755 : 0o644 })
    }
    await sandbox.copyIn(staging, '.')
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
}

/** `items` in runs of 500, so no command line grows past the system's limit. */
function chunks<T>(items: readonly T[]): T[][] {
  const runs: T[][] = []
  for (let start = 0; start < items.length; start += 500) runs.push(items.slice(start, start + 500))
  return runs
}

/** A file or link of the verifier's workdir as git would record it; undefined when absent. */
async function readVerifierFile(sandbox: Sandbox, path: string): Promise<GitFile | undefined> {
  let found: GitFile | undefined
  let kind: string | undefined
  try {
    await readTree(sandbox, path, async (entry) => {
      kind = entry.type
      if (entry.type === 'file') {
        found = gitFile(entry.mode & 0o111 ? '100755' : '100644', await readContent(entry))
      } else if (entry.type === 'symlink')
        found = gitFile('120000', Buffer.from(entry.linkname ?? '', 'utf8'))
      return false
    })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  if (!found) {
    throw new EvalboxError(
      'GRADER_CONFIG',
      `could not apply the agent's patch in verifier ${sandbox.id}: ${path} is a ${kind} there, not a file. Did the fixture change since the agent ran?`,
    )
  }
  return found
}

/** Reads the report files a run left (`find -path` pattern under the workdir), by path. */
export async function readWorkspaceReports(
  sandbox: Sandbox,
  pattern: string,
): Promise<Record<string, string>> {
  const listing = await sandbox.exec([
    'find',
    '.',
    '-path',
    pattern,
    '-type',
    'f',
    '-not',
    '-path',
    '*/node_modules/*',
  ])
  const files: Record<string, string> = {}
  for (const path of listing.stdout.split('\n').filter(Boolean).slice(0, 1000)) {
    files[path.replace(/^\.\//, '')] = (await sandbox.readFile(path)).toString('utf8')
  }
  return files
}

/** Removes report files left in the workspace before the run (stale or planted ones). */
export async function clearWorkspaceReports(sandbox: Sandbox, pattern: string): Promise<void> {
  await sandbox.exec(['find', '.', '-path', pattern, '-type', 'f', '-delete'])
}
