import { lstat } from 'node:fs/promises'
import { join } from 'node:path'
import { EvalboxError } from '../../core/errors.ts'
import type { ExecResult, Sandbox } from '../../sandbox/types.ts'

// Ignore the user's and the system's git config (hooks, filters, autocrlf), as the harvest does.
const GIT_ENV = { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' }

// A plain folder needs no repo: `git apply` outside one patches the files as they are.
// The ceiling stops git from adopting a repo above the workdir; a fixture that is a repo
// itself is found at the workdir and left as it is (no index or ref changes).
const APPLY = `set -eu
GIT_CEILING_DIRECTORIES=$(dirname "$PWD") git -c core.autocrlf=false -c core.safecrlf=false \\
  -c 'safe.directory=*' apply --binary --whitespace=nowarn "$1"`

/**
 * Applies the agent's patch (`git diff --binary` against the fixture) to the verifier's
 * clean copy of the fixture: edits, new, deleted and binary files, and mode changes. The
 * patch is written to `scratch` (outside the workdir) first. Throws when git is missing or
 * the patch does not apply (the fixture changed since the agent ran).
 */
export async function applyAgentPatch(sandbox: Sandbox, diff: string, scratch: string): Promise<void> {
  const patchPath = `${scratch}/agent.patch`
  await sandbox.writeFile(patchPath, diff)
  const result = await sandbox.exec(['sh', '-c', APPLY, 'apply', patchPath], {
    env: GIT_ENV,
    timeoutMs: 120_000,
  })
  if (result.exitCode === 0) return
  throw new EvalboxError(
    'GRADER_CONFIG',
    `unitTests: could not apply the agent's patch to a clean copy of the fixture in verifier ${sandbox.id}: ${gitProblem(result)}`,
  )
}

function gitProblem(result: ExecResult): string {
  if (result.exitCode === 127 || /git: (not found|command not found)/.test(result.stderr)) {
    return 'git is not installed in the sandbox image; use an image with git (evalbox-base has it)'
  }
  const why = result.stderr.trim().split('\n').slice(0, 5).join(' | ') || `exit code ${result.exitCode}`
  return `${why}. Did the fixture change since the agent ran?`
}

// Prints each path whose nearest existing folder resolves outside its place in the workdir.
const UNDER_LINK = `root=$(pwd -P)
for p do
  d=$(dirname -- "$p")
  while [ "$d" != . ] && [ ! -e "$d" ]; do d=$(dirname -- "$d"); done
  [ "$d" = . ] || [ "$(cd -- "$d" && pwd -P)" = "$root/$d" ] || printf '%s\\n' "$p"
done`

/**
 * Puts files back as the fixture has them, after the agent's patch was applied: each path
 * is removed from the verifier and, when the fixture has it, copied again from the fixture
 * on the host (so an added file is gone, a changed or deleted one is the fixture's again).
 */
export async function restoreFromFixture(
  sandbox: Sandbox,
  workspace: string,
  paths: readonly string[],
): Promise<void> {
  if (paths.length === 0) return
  // A path under a linked folder (only a name the harvest listed without a diff can be:
  // `git apply` refuses them) is left alone, so nothing outside the workdir is touched.
  const linked = await sandbox.exec(['sh', '-c', UNDER_LINK, 'check', ...paths])
  const skip = new Set(linked.stdout.split('\n').filter(Boolean))
  const safe = paths.filter((path) => !skip.has(path))
  if (safe.length === 0) return
  // Remove first: a file the patch turned into a link must not be written through.
  const removed = await sandbox.exec(['rm', '-rf', '--', ...safe])
  if (removed.exitCode !== 0) {
    throw new EvalboxError(
      'SANDBOX_UNAVAILABLE',
      `unitTests: could not remove the agent's changes in verifier ${sandbox.id}: ${removed.stderr.trim()}`,
    )
  }
  for (const path of safe) {
    const host = join(workspace, path)
    if (await lstat(host).catch(() => undefined)) await sandbox.copyIn(host, path)
  }
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
